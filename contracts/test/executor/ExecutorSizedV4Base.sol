// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ExecutorV4Base} from "./ExecutorV4Base.sol";
import {V4Key} from "../utils/V4Fixture.sol";
import {SizingTables} from "../utils/SizingTables.sol";

struct V4SwapTestParams {
    bool zeroForOne;
    int256 amountSpecified;
    uint160 sqrtPriceLimitX96;
}

struct V4SwapTestSettings {
    bool takeClaims;
    bool settleUsingBurn;
}

interface IV4PoolSwapTest {
    function swap(V4Key memory key, V4SwapTestParams memory params, V4SwapTestSettings memory settings, bytes memory hookData)
        external
        payable
        returns (int256 delta);
}

interface IV4StateView {
    function getSlot0(bytes32 poolId) external view returns (uint160 sqrtPriceX96, int24 tick, uint24 protocolFee, uint24 lpFee);
}

/// @notice Sized (table-driven) legs keyed on a V4 pool: the table layout with its pool id trailer (Sizing.sol), the
///         pool's live price as the periphery's StateView reads it (not the executor's own extsload), and victims
///         swapping through v4-core's PoolSwapTest router.
abstract contract ExecutorSizedV4Base is ExecutorV4Base {
    IV4StateView internal stateView;
    IV4PoolSwapTest internal v4SwapRouter;

    uint160 internal constant MIN_PRICE_LIMIT = 4295128740;
    uint160 internal constant MAX_PRICE_LIMIT = 1461446703485210103287273052203988822378723970341;

    function setUp() public virtual override {
        super.setUp();
        stateView = IV4StateView(
            _deployV4Artifact("node_modules/@uniswap/v4-periphery/foundry-out/StateView.sol/StateView.json", abi.encode(poolManager))
        );
        v4SwapRouter = IV4PoolSwapTest(
            _deployV4Artifact("node_modules/@uniswap/v4-core/out/PoolSwapTest.sol/PoolSwapTest.json", abi.encode(poolManager))
        );
        _approveAll(address(weth));
        _approveAll(usdc);
        _approveAll(dai);
    }

    function _approveAll(address token) private {
        (bool ok,) = token.call(abi.encodeWithSignature("approve(address,uint256)", address(v4SwapRouter), type(uint256).max));
        require(ok, "approve");
    }

    function _poolId(V4Key memory key) internal pure returns (bytes32) {
        return keccak256(abi.encode(key));
    }

    /// @dev The pool's sqrtPriceX96 as the periphery's StateView reads it.
    function _v4Price(V4Key memory key) internal view returns (uint256 sqrtPriceX96) {
        (sqrtPriceX96,,,) = stateView.getSlot0(_poolId(key));
    }

    /// @dev A sizing table for a V4 hop: header naming `manager`, entries, then the pool id.
    function _sizingV4(
        address manager,
        uint256 hopIndex,
        uint256 shareBps,
        uint256[] memory keys,
        uint256[] memory amounts,
        bytes32 poolId
    ) internal pure returns (bytes memory sizing) {
        sizing = SizingTables.plain(manager, hopIndex, shareBps, keys, amounts);
        sizing = abi.encodePacked(sizing, poolId);
    }

    /// @dev A V2/V3 table (no trailer), as ExecutorSizedBase packs it.
    function _sizingPlain(address pool, uint256 hopIndex, uint256 shareBps, uint256[] memory keys, uint256[] memory amounts)
        internal
        pure
        returns (bytes memory)
    {
        return SizingTables.plain(pool, hopIndex, shareBps, keys, amounts);
    }

    function _pair(uint256 a, uint256 b) internal pure returns (uint256[] memory) {
        return SizingTables.pair(a, b);
    }

    /// @dev A victim's exact-input swap in a V4 pool (this contract pays; no native pools here).
    function _victimV4(V4Key memory key, bool zeroForOne, uint256 amountIn) internal {
        v4SwapRouter.swap(
            key,
            V4SwapTestParams(zeroForOne, -int256(amountIn), zeroForOne ? MIN_PRICE_LIMIT : MAX_PRICE_LIMIT),
            V4SwapTestSettings(false, false),
            ""
        );
    }

    /// @dev An inventory plan of `legs` that executeSized accepts (no fixed builder payment), with the share cap.
    function _sizedPlan(Leg[] memory legs, uint256 amountIn, uint256 minProfit, uint16 maxShareBps)
        internal
        view
        returns (bytes memory plan)
    {
        plan = _planLegs(false, amountIn, minProfit, legs);
        // Header: flags u8, block u64, amountIn u128, minProfit u128, builderPayment u128, maxBuilderShareBps u16.
        uint256 at = 1 + 8 + 16 + 16 + 16;
        plan[at] = bytes1(uint8(maxShareBps >> 8));
        plan[at + 1] = bytes1(uint8(maxShareBps));
    }
}
