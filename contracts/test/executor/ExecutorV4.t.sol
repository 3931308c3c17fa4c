// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ExecutorV4Base} from "./ExecutorV4Base.sol";
import {Executor} from "../../src/Executor.sol";
import {V4Legs} from "../../src/V4Legs.sol";
import {V4Key} from "../utils/V4Fixture.sol";

/// @notice Cycles with Uniswap V4 legs through the real PoolManager: every profit equals the real periphery's
///         quotes (Router02, QuoterV2, V4Quoter), in inventory and flash mode, with native ETH wrapped and unwrapped.
/// @dev The PoolManager's error for a key it has no pool for (v4-core Pool.sol).
error PoolNotInitialized();

contract ExecutorV4Test is ExecutorV4Base {
    uint256 internal constant AMOUNT_IN = 5 ether;

    function _assertProfitsAsQuoted(Leg[] memory legs, bool flash) internal {
        int256 predicted = _predictLegs(legs, AMOUNT_IN);
        assertGt(predicted, 0, "fixture cycle must be profitable");
        bytes memory plan = _planLegs(flash, AMOUNT_IN, 0, legs);
        uint256 before = _wethOf(address(executor));
        vm.prank(operator);
        executor.execute(plan);
        assertEq(int256(_wethOf(address(executor))) - int256(before), predicted);
        // No ETH is left behind: what was unwrapped went to the PoolManager, what it paid was wrapped.
        assertEq(address(executor).balance, 0);
    }

    function test_execute_v2v4InventoryProfitsAsQuoted() public {
        _assertProfitsAsQuoted(_cycleV2V4(), false);
    }

    function test_execute_v3v4InventoryProfitsAsQuoted() public {
        _assertProfitsAsQuoted(_cycleV3V4(), false);
    }

    function test_execute_v4NativeInUnwrapsWeth() public {
        uint256 pmEth = poolManager.balance;
        _assertProfitsAsQuoted(_cycleV4NativeV2(), false);
        assertEq(poolManager.balance, pmEth + AMOUNT_IN);
    }

    function test_execute_v4NativeOutWrapsEth() public {
        uint256 pmEth = poolManager.balance;
        uint256 wethSupply = address(weth).balance;
        _assertProfitsAsQuoted(_cycleV2V4Native(), false);
        // The PoolManager paid ETH, and exactly that much was wrapped into WETH.
        assertEq(pmEth - poolManager.balance, address(weth).balance - wethSupply);
        assertGt(pmEth, poolManager.balance);
    }

    function test_execute_v4v4InOnePoolManager() public {
        _assertProfitsAsQuoted(_cycleV4V4(), false);
    }

    function test_execute_v3v2v4ThreeKinds() public {
        _assertProfitsAsQuoted(_cycleV3V2V4(), false);
    }

    function test_execute_v2FlashThenV4ProfitsAsQuoted() public {
        _assertProfitsAsQuoted(_cycleV2V4(), true);
    }

    function test_execute_v3FlashThenV4ProfitsAsQuoted() public {
        _assertProfitsAsQuoted(_cycleV3V4(), true);
    }

    function test_execute_v4FlashThenV2ProfitsAsQuoted() public {
        _assertProfitsAsQuoted(_cycleV4NativeV2(), true);
    }

    function test_execute_v4FlashThenV4ProfitsAsQuoted() public {
        _assertProfitsAsQuoted(_cycleV4V4(), true);
    }

    /// @dev V4 as the flash source: take first, settle last, no fee: the cycle needs no inventory at all.
    function test_execute_v4FlashNeedsNoInventory() public {
        vm.prank(owner);
        executor.withdraw(address(weth), owner, INVENTORY);
        int256 predicted = _predictLegs(_cycleV4V4(), AMOUNT_IN);
        bytes memory plan = _planLegs(true, AMOUNT_IN, 0, _cycleV4V4());
        vm.prank(operator);
        executor.execute(plan);
        assertEq(int256(_wethOf(address(executor))), predicted);
    }

    /// @dev Any input, either mode, native or not: the executor gains exactly the periphery's quotes when they
    ///      show a profit, and otherwise reverts InsufficientProfit with the quoted loss.
    function testFuzz_execute_v4CyclesMatchQuotes(uint256 amountIn, uint8 pick, bool flash) public {
        amountIn = bound(amountIn, 1e12, 60 ether);
        Leg[] memory legs = pick % 4 == 0 ? _cycleV2V4() : pick % 4 == 1 ? _cycleV3V4() : pick % 4 == 2 ? _cycleV4NativeV2() : _cycleV4V4();
        int256 predicted = _predictLegs(legs, amountIn);
        bytes memory plan = _planLegs(flash, amountIn, 0, legs);
        uint256 before = _wethOf(address(executor));
        if (predicted < 0) vm.expectRevert(abi.encodeWithSelector(Executor.InsufficientProfit.selector, predicted, uint256(0)));
        vm.prank(operator);
        executor.execute(plan);
        if (predicted >= 0) assertEq(int256(_wethOf(address(executor))) - int256(before), predicted);
        assertEq(address(executor).balance, 0);
    }

    function test_execute_v4UnprofitableReverts() public {
        // The reverse of a profitable cycle loses.
        Leg[] memory legs = _legs2(_v4Leg(v4WethUsdc, address(weth), usdc), _v2Leg(uniWethUsdc, address(uniRouter), usdc, address(weth)));
        int256 predicted = _predictLegs(legs, AMOUNT_IN);
        assertLt(predicted, 0);
        bytes memory plan = _planLegs(false, AMOUNT_IN, 0, legs);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(Executor.InsufficientProfit.selector, predicted, uint256(0)));
        executor.execute(plan);
    }

    function test_execute_v4MinProfitAboveProfitReverts() public {
        int256 predicted = _predictLegs(_cycleV2V4(), AMOUNT_IN);
        bytes memory plan = _planLegs(false, AMOUNT_IN, uint256(predicted) + 1, _cycleV2V4());
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(Executor.InsufficientProfit.selector, predicted, uint256(predicted) + 1));
        executor.execute(plan);
    }

    function test_execute_v4WithoutPoolManagerReverts() public {
        vm.prank(owner);
        executor.setPoolManager(address(0));
        bytes memory plan = _planLegs(false, AMOUNT_IN, 0, _cycleV2V4());
        vm.prank(operator);
        vm.expectRevert(V4Legs.V4Disabled.selector);
        executor.execute(plan);
    }

    function test_execute_v4HooksNotAllowedReverts() public {
        Leg[] memory legs = _cycleV2V4();
        legs[1].key.hooks = address(0x1234);
        bytes memory plan = _planLegs(false, AMOUNT_IN, 0, legs);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(V4Legs.V4HooksNotAllowed.selector, address(0x1234)));
        executor.execute(plan);
    }

    /// @dev A wrong tick spacing or fee names a pool that does not exist: the PoolManager refuses it.
    function test_execute_v4WrongKeyReverts() public {
        Leg[] memory legs = _cycleV2V4();
        legs[1].key.tickSpacing = 60;
        bytes memory plan = _planLegs(false, AMOUNT_IN, 0, legs);
        vm.prank(operator);
        vm.expectRevert(PoolNotInitialized.selector);
        executor.execute(plan);
    }

    /// @dev The native flag on a hop that touches no WETH names nothing: BadPlan before any swap.
    function test_execute_v4NativeFlagWithoutWethReverts() public {
        Leg[] memory legs = _legs3(
            _v2Leg(uniWethUsdc, address(uniRouter), address(weth), usdc),
            _v4Leg(v4WethUsdc, usdc, address(weth)),
            _v2Leg(uniWethDai, address(uniRouter), address(weth), dai)
        );
        // WETH -> USDC (V2), USDC -> DAI claimed as a native V4 hop, DAI -> WETH (V2).
        legs[1].tokenOut = dai;
        legs[1].native = true;
        legs[2].tokenIn = dai;
        legs[2].tokenOut = address(weth);
        bytes memory plan = _planLegs(false, AMOUNT_IN, 0, legs);
        vm.prank(operator);
        vm.expectRevert(Executor.BadPlan.selector);
        executor.execute(plan);
    }

    /// @dev The header's V4 count must match the trailer exactly, and a hop's trailer index must lie inside it.
    function test_execute_v4TrailerMismatchReverts() public {
        bytes memory plan = _planLegs(false, AMOUNT_IN, 0, _cycleV2V4());
        bytes memory short = new bytes(plan.length - 1);
        for (uint256 i; i < short.length; ++i) short[i] = plan[i];
        vm.prank(operator);
        vm.expectRevert(Executor.BadPlan.selector);
        executor.execute(short);
        // Index 1 with one trailer entry.
        bytes memory badIndex = bytes.concat(plan);
        badIndex[80 + 44 + 40] = bytes1(uint8(badIndex[80 + 44 + 40]) | 32);
        vm.prank(operator);
        vm.expectRevert(Executor.BadPlan.selector);
        executor.execute(badIndex);
    }

    function test_setPoolManager_onlyOwner() public {
        vm.prank(operator);
        vm.expectRevert(Executor.NotOwner.selector);
        executor.setPoolManager(address(1));
        vm.prank(owner);
        vm.expectEmit(true, true, true, true, address(executor));
        emit V4Legs.PoolManagerSet(address(1));
        executor.setPoolManager(address(1));
        assertEq(executor.poolManager(), address(1));
    }

    function test_setV4Hooks_onlyOwner() public {
        vm.prank(operator);
        vm.expectRevert(Executor.NotOwner.selector);
        executor.setV4Hooks(address(0x1234), true);
        vm.prank(owner);
        vm.expectEmit(true, true, true, true, address(executor));
        emit V4Legs.V4HooksSet(address(0x1234), true);
        executor.setV4Hooks(address(0x1234), true);
        assertTrue(executor.isV4Hooks(address(0x1234)));
        vm.prank(owner);
        vm.expectEmit(true, true, true, true, address(executor));
        emit V4Legs.V4HooksSet(address(0x1234), false);
        executor.setV4Hooks(address(0x1234), false);
        assertFalse(executor.isV4Hooks(address(0x1234)));
    }

    /// @dev The sizing table reads V2 reserves or V3 slot0; a V4 hop has neither: refused, not misread.
    function test_executeSized_v4SizedHopReverts() public {
        bytes memory plan = _planLegs(false, AMOUNT_IN, 0, _cycleV2V4());
        bytes memory sizing = abi.encodePacked(poolManager, uint8(1), uint16(0), uint8(2), uint160(0), uint128(1 ether), type(uint160).max, uint128(1 ether));
        vm.prank(operator);
        vm.expectRevert(Executor.BadSizing.selector);
        executor.executeSized(plan, sizing);
    }

    /// @dev A V4 first hop in a sized plan: the input comes from the V2 second hop's table and the V4 leg trades.
    function test_executeSized_v4FirstHopTrades() public {
        Leg[] memory legs = _legs2(_v4Leg(v4EthUsdc, address(weth), usdc), _v2Leg(uniWethUsdc, address(uniRouter), usdc, address(weth)));
        int256 predicted = _predictLegs(legs, AMOUNT_IN);
        bytes memory plan = _planLegs(false, AMOUNT_IN, 0, legs);
        (uint112 r0,,) = IV2Reserves(uniWethUsdc).getReserves();
        bytes memory sizing = abi.encodePacked(uniWethUsdc, uint8(1), uint16(0), uint8(2), uint160(r0 - 1), uint128(AMOUNT_IN), uint160(r0 + 1), uint128(AMOUNT_IN));
        uint256 before = _wethOf(address(executor));
        vm.prank(operator);
        executor.executeSized(plan, sizing);
        assertEq(int256(_wethOf(address(executor))) - int256(before), predicted);
    }
}

interface IV2Reserves {
    function getReserves() external view returns (uint112, uint112, uint32);
}
