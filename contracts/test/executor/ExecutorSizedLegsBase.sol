// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Vm} from "forge-std/Vm.sol";
import {ExecutorSizedBase} from "./ExecutorSizedBase.sol";
import {IERC20Like} from "../utils/UniswapFixture.sol";

/// @notice Helpers for `executeSizedLegs`: the four legs a hidden victim on the fixture's WETH/USDC pools calls for
///         (each pool sold into and bought from), tables covering one side of a pool's live key, victims moving a
///         pool either way, and the executor's inputs read off the WETH Transfer logs (independent of its code).
abstract contract ExecutorSizedLegsBase is ExecutorSizedBase {
    bytes32 internal constant TRANSFER = keccak256("Transfer(address,address,uint256)");
    uint256 internal constant VICTIM_WETH = 30 ether;

    /// @dev A: sell WETH on Sushi, buy it back on Uniswap (pays after a victim buys WETH on Sushi); keyed on Sushi, hop 0.
    function _legA() internal view returns (HopSpec[] memory) {
        return _v2v2();
    }

    /// @dev B: the reverse (pays after a victim sells WETH on Sushi); keyed on Sushi, hop 1.
    function _legB() internal view returns (HopSpec[] memory) {
        return _two(
            _hop(uniWethUsdc, address(weth), usdc, false, 0, address(uniRouter)),
            _hop(sushiWethUsdc, usdc, address(weth), false, 0, address(sushiRouter))
        );
    }

    /// @dev C: sell WETH on the 0.3% V3 pool, buy it back on the 0.05% one; keyed on the 0.3% pool, hop 0.
    function _legC() internal view returns (HopSpec[] memory) {
        return _v3v3();
    }

    /// @dev D: the reverse; keyed on the 0.3% pool, hop 1.
    function _legD() internal view returns (HopSpec[] memory) {
        return _two(
            _hop(v3WethUsdc500, address(weth), usdc, true, 500, address(0)),
            _hop(v3WethUsdc3000, usdc, address(weth), true, 3000, address(0))
        );
    }

    function _legPlan(HopSpec[] memory hops, uint256 amountIn, uint256 minProfit, uint16 maxShareBps)
        internal
        view
        returns (bytes memory)
    {
        return _plan(false, block.number, amountIn, minProfit, 0, maxShareBps, hops);
    }

    /// @dev Whether a victim buying WETH on `pool` raises its key (found by doing it and undoing it).
    function _buyRaisesKey(address pool, bool v3) internal returns (bool up) {
        uint256 snapshot = vm.snapshotState();
        uint256 before = _keyOf(pool, v3);
        _victimBuysWeth(pool, v3, 1 ether);
        up = _keyOf(pool, v3) > before;
        vm.revertToState(snapshot);
    }

    function _victimBuysWeth(address pool, bool v3, uint256 wethWorth) internal {
        if (v3) _victimV3(pool, usdc, wethWorth * 3_000);
        else _victimV2(address(sushiRouter), usdc, address(weth), wethWorth * 3_000);
    }

    function _victimSellsWeth(address pool, bool v3, uint256 amount) internal {
        if (v3) _victimV3(pool, address(weth), amount);
        else _victimV2(address(sushiRouter), address(weth), usdc, amount);
    }

    /// @dev A table of `amount` everywhere strictly on one side of `pool`'s live key (so the live key is outside it).
    function _sideTable(address pool, bool v3, uint256 hopIndex, bool above, uint256 shareBps, uint256 amount)
        internal
        view
        returns (bytes memory)
    {
        uint256 key = _keyOf(pool, v3);
        (uint256 lo, uint256 hi) = above ? (key + 1, v3 ? type(uint160).max : key * 2) : (v3 ? 1 : key / 2, key - 1);
        return _sizing(pool, hopIndex, shareBps, _pair(lo, hi), _pair(amount, amount));
    }

    /// @dev The table a bot sends for a leg: it covers the side a victim of the leg's kind moves the pool to.
    ///      `afterBuy`: the leg pays after a victim buys WETH on `pool` (A, C); else after one sells (B, D).
    function _victimTable(address pool, bool v3, uint256 hopIndex, bool afterBuy, uint256 shareBps, uint256 amount)
        internal
        returns (bytes memory)
    {
        return _sideTable(pool, v3, hopIndex, _buyRaisesKey(pool, v3) == afterBuy, shareBps, amount);
    }

    /// @dev A table of `amount` around the live key.
    function _liveTable(address pool, bool v3, uint256 hopIndex, uint256 shareBps, uint256 amount)
        internal
        view
        returns (bytes memory)
    {
        uint256 key = _keyOf(pool, v3);
        return _sizing(pool, hopIndex, shareBps, _pair(key - 1, key + 1), _pair(amount, amount));
    }

    function _two(bytes memory a, bytes memory b) internal pure returns (bytes[] memory out) {
        out = new bytes[](2);
        (out[0], out[1]) = (a, b);
    }

    function _four(bytes memory a, bytes memory b, bytes memory c, bytes memory d) internal pure returns (bytes[] memory out) {
        out = new bytes[](4);
        (out[0], out[1], out[2], out[3]) = (a, b, c, d);
    }

    /// @dev Starts recording; `_inputs` then lists the WETH the executor sent (to whom, how much), in order: with
    ///      WETH as the start token these are exactly the legs' first-hop inputs.
    function _recordInputs() internal {
        vm.recordLogs();
    }

    function _inputs() internal returns (address[] memory to, uint256[] memory amount) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 n;
        for (uint256 i; i < logs.length; ++i) if (_isExecutorWethTransfer(logs[i])) n++;
        (to, amount) = (new address[](n), new uint256[](n));
        n = 0;
        for (uint256 i; i < logs.length; ++i) {
            if (!_isExecutorWethTransfer(logs[i])) continue;
            to[n] = address(uint160(uint256(logs[i].topics[2])));
            amount[n++] = abi.decode(logs[i].data, (uint256));
        }
    }

    function _isExecutorWethTransfer(Vm.Log memory log) internal view returns (bool) {
        return log.emitter == address(weth) && log.topics.length == 3 && log.topics[0] == TRANSFER
            && address(uint160(uint256(log.topics[1]))) == address(executor);
    }

    function _usdcOf(address account) internal view returns (uint256) {
        return IERC20Like(usdc).balanceOf(account);
    }
}
