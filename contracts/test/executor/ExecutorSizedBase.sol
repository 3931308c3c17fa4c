// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ExecutorBase} from "./ExecutorBase.sol";
import {IV2PairFull, IV3PoolFull, IERC20Like} from "../utils/UniswapFixture.sol";
import {SizingTables} from "../utils/SizingTables.sol";

/// @notice Helpers for `executeSized`: sizing tables packed as src/bundle/sizing.ts packs them (layout in
///         Sizing.sol), the live key of a pool, victims trading through the real routers, and a brute-force
///         optimum of a cycle from the real periphery's quotes (independent of any sizing code).
abstract contract ExecutorSizedBase is ExecutorBase {
    address internal victim = makeAddr("victim");

    /// @dev Packs a sizing table: pool | hopIndex u8 | builderShareBps u16 | count u8 | (key u160, amount u128)*.
    function _sizing(address pool, uint256 hopIndex, uint256 shareBps, uint256[] memory keys, uint256[] memory amounts)
        internal
        pure
        returns (bytes memory)
    {
        return SizingTables.plain(pool, hopIndex, shareBps, keys, amounts);
    }

    function _pair(uint256 a, uint256 b) internal pure returns (uint256[] memory) {
        return SizingTables.pair(a, b);
    }

    /// @dev What the executor reads: a V2 pair's reserve0, a V3 pool's sqrtPriceX96.
    function _keyOf(address pool, bool v3) internal view returns (uint256 key) {
        if (v3) {
            (uint160 sqrtPriceX96,,,,,,) = IV3PoolFull(pool).slot0();
            return sqrtPriceX96;
        }
        (uint112 reserve0,,) = IV2PairFull(pool).getReserves();
        return reserve0;
    }

    /// @dev A user swaps `amountIn` of `tokenIn` through the real Router02.
    function _victimV2(address router, address tokenIn, address tokenOut, uint256 amountIn) internal {
        _give(tokenIn, victim, amountIn);
        address[] memory path = new address[](2);
        (path[0], path[1]) = (tokenIn, tokenOut);
        vm.startPrank(victim);
        IERC20Like(tokenIn).approve(router, amountIn);
        (bool ok,) = router.call(
            abi.encodeWithSignature(
                "swapExactTokensForTokens(uint256,uint256,address[],address,uint256)", amountIn, 0, path, victim, block.timestamp
            )
        );
        vm.stopPrank();
        require(ok, "victim swap failed");
    }

    /// @dev A user swaps exact input on a real V3 pool (the fixture has no V3 router: this test contract calls the
    ///      pool and pays it in the callback, which is all a router does).
    function _victimV3(address pool, address tokenIn, uint256 amountIn) internal {
        bool zeroForOne = IV3PoolFull(pool).token0() == tokenIn;
        _v3Payer = tokenIn;
        (bool ok,) = pool.call(
            abi.encodeWithSignature(
                "swap(address,bool,int256,uint160,bytes)",
                victim,
                zeroForOne,
                int256(amountIn),
                zeroForOne ? uint160(4295128740) : uint160(1461446703485210103287273052203988822378723970341),
                ""
            )
        );
        _v3Payer = address(0);
        require(ok, "victim V3 swap failed");
    }

    address private _v3Payer;

    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata) external {
        require(_v3Payer != address(0), "no victim swap running");
        _give(_v3Payer, msg.sender, uint256(amount0Delta > 0 ? amount0Delta : amount1Delta));
    }

    /// @dev The best input of a cycle on the current state, by golden-section-like ternary search over the real
    ///      periphery's quotes (Router02.getAmountsOut, QuoterV2): the profit of these cycles is unimodal in the
    ///      input. Returns the best input found and its profit (0, 0 when no input profits).
    function _bruteForceOptimum(HopSpec[] memory hops, uint256 hi) internal returns (uint256 best, int256 bestProfit) {
        uint256 lo = 0;
        while (hi - lo > 3) {
            uint256 m1 = lo + (hi - lo) / 3;
            uint256 m2 = hi - (hi - lo) / 3;
            if (_profitOrMin(hops, m1) < _profitOrMin(hops, m2)) lo = m1;
            else hi = m2;
            if (hi - lo <= 1e9) break; // below a gwei of input the profit no longer moves
        }
        for (uint256 x = lo; x <= hi; x += (hi - lo) / 4 + 1) {
            int256 p = _profitOrMin(hops, x);
            if (p > bestProfit) (best, bestProfit) = (x, p);
        }
    }

    function _profitOrMin(HopSpec[] memory hops, uint256 amountIn) internal returns (int256) {
        if (amountIn == 0) return 0;
        return _predictProfit(hops, amountIn);
    }
}
