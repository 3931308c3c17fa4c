// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ExecutorV4Base} from "./ExecutorV4Base.sol";
import {V4Key, V4ModifyLiquidityParams, IV4PoolManagerFull} from "../utils/V4Fixture.sol";
import {SyncingHook} from "../utils/V4Rogues.sol";

interface IDynamicFeesTestHook {
    function setManager(address manager) external;
    function setFee(uint24 fee) external;
}

interface IDeltaReturningHook {
    function setDeltaSpecified(int128 delta) external;
    function setDeltaUnspecifiedAfterSwap(int128 delta) external;
}

/// @notice V4 legs through pools with hooks (v4-core's own test hooks, allowed by the owner): a dynamic fee the
///         hook sets before each swap, and a hook that takes part of the swap through returned deltas. The executor
///         settles whatever the PoolManager says it owes (never above the hop's input) and gains what V4Quoter says.
contract ExecutorV4HooksTest is ExecutorV4Base {
    uint256 internal constant AMOUNT_IN = 5 ether;
    uint24 internal constant DYNAMIC_FEE_FLAG = 0x800000;

    function _hookedWethUsdcPool(address hooks, uint24 fee) internal returns (V4Key memory key) {
        (address a, address b) = address(weth) < usdc ? (address(weth), usdc) : (usdc, address(weth));
        key = V4Key(a, b, fee, 10, hooks);
        (uint256 num, uint256 den) = a == address(weth) ? (uint256(2900), uint256(1)) : (uint256(1), uint256(2900));
        IV4PoolManagerFull(poolManager).initialize(key, uint160(_sqrt((num << 192) / den)));
        v4LiquidityRouter.modifyLiquidity(
            key, V4ModifyLiquidityParams(-887270, 887270, int256(_sqrt(800 ether * 2_320_000 ether)), bytes32(0)), ""
        );
        vm.prank(owner);
        executor.setV4Hooks(hooks, true);
    }

    function _assertCycleThrough(V4Key memory key) internal {
        Leg[] memory legs = _legs2(_v2Leg(uniWethUsdc, address(uniRouter), address(weth), usdc), _v4Leg(key, usdc, address(weth)));
        int256 predicted = _predictLegs(legs, AMOUNT_IN);
        assertGt(predicted, 0);
        uint256 before = _wethOf(address(executor));
        vm.prank(operator);
        executor.execute(_planLegs(false, AMOUNT_IN, 0, legs));
        assertEq(int256(_wethOf(address(executor))) - int256(before), predicted);
    }

    function test_execute_v4DynamicFeeHookPoolPaysAsQuoted() public {
        address hooks = address(uint160(0xD1FEE) << 140 | 0x1080); // afterInitialize | beforeSwap
        _deployV4ArtifactTo("node_modules/@uniswap/v4-core/out/DynamicFeesTestHook.sol/DynamicFeesTestHook.json", "", hooks);
        IDynamicFeesTestHook(hooks).setManager(poolManager);
        IDynamicFeesTestHook(hooks).setFee(3000);
        V4Key memory key = _hookedWethUsdcPool(hooks, DYNAMIC_FEE_FLAG);
        // The fee the hook sets before each swap (not the pool's key) is what the swap pays: a higher one, less out.
        int256 atLowFee = _predictLegs(_legs2(_v2Leg(uniWethUsdc, address(uniRouter), address(weth), usdc), _v4Leg(key, usdc, address(weth))), AMOUNT_IN);
        IDynamicFeesTestHook(hooks).setFee(10_000);
        int256 atHighFee = _predictLegs(_legs2(_v2Leg(uniWethUsdc, address(uniRouter), address(weth), usdc), _v4Leg(key, usdc, address(weth))), AMOUNT_IN);
        assertLt(atHighFee, atLowFee);
        _assertCycleThrough(key);
    }

    function test_execute_v4DeltaReturningHookPoolPaysAsQuoted() public {
        address hooks = address(uint160(0xDE17A) << 140 | 0x00CC); // before/afterSwap, both returning deltas
        _deployV4ArtifactTo("node_modules/@uniswap/v4-core/out/DeltaReturningHook.sol/DeltaReturningHook.json", abi.encode(poolManager), hooks);
        V4Key memory key = _hookedWethUsdcPool(hooks, 500);
        // The hook keeps 100 USDC of the input and 0.001 WETH of the output.
        IDeltaReturningHook(hooks).setDeltaSpecified(100 ether);
        IDeltaReturningHook(hooks).setDeltaUnspecifiedAfterSwap(0.001 ether);
        int256 withHook = _predictLegs(_legs2(_v2Leg(uniWethUsdc, address(uniRouter), address(weth), usdc), _v4Leg(key, usdc, address(weth))), AMOUNT_IN);
        int256 plain = _predictLegs(_cycleV2V4(), AMOUNT_IN);
        assertLt(withHook, plain);
        _assertCycleThrough(key);
    }

    /// @dev A hook that syncs another currency (USDC) inside our swap must not stop the native input's settle: the
    ///      executor syncs native ETH itself before paying value.
    function test_execute_v4NativeSettleAfterHookSyncPaysAsQuoted() public {
        address hooks = address(uint160(0x5C) << 152 | 0x0080); // beforeSwap
        vm.etch(hooks, address(new SyncingHook()).code);
        V4Key memory key = V4Key(address(0), usdc, 3000, 60, hooks);
        IV4PoolManagerFull(poolManager).initialize(key, uint160(_sqrt((uint256(3200) << 192))));
        vm.deal(address(this), address(this).balance + 1e30);
        v4LiquidityRouter.modifyLiquidity{value: 1e30}(
            key, V4ModifyLiquidityParams(-887220, 887220, int256(_sqrt(800 ether * 2_560_000 ether)), bytes32(0)), ""
        );
        vm.prank(owner);
        executor.setV4Hooks(hooks, true);
        SyncingHook(hooks).setToken(usdc);
        Leg[] memory legs = _legs2(_v4Leg(key, address(weth), usdc), _v2Leg(uniWethUsdc, address(uniRouter), usdc, address(weth)));
        int256 predicted = _predictLegs(legs, AMOUNT_IN);
        assertGt(predicted, 0);
        uint256 before = _wethOf(address(executor));
        vm.prank(operator);
        executor.execute(_planLegs(false, AMOUNT_IN, 0, legs));
        assertEq(int256(_wethOf(address(executor))) - int256(before), predicted);
    }
}
