// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ExecutorBase} from "./ExecutorBase.sol";

/// @notice The owner's cap on the builder's share of a plan's profit: a stolen operator key cannot raise it.
/// @dev Calls and reasons go by signature, so the file also compiles against an executor without the cap.
contract ExecutorBuilderShareCapTest is ExecutorBase {
    uint256 internal constant AMOUNT_IN = 5 ether;

    event MaxBuilderShareBpsSet(uint16 bps);

    function _cap() internal view returns (uint256) {
        (bool ok, bytes memory returned) = address(executor).staticcall(abi.encodeWithSignature("maxBuilderShareBps()"));
        assertTrue(ok, "maxBuilderShareBps() reverted");
        return abi.decode(returned, (uint256));
    }

    function _setCap(address caller, uint256 bps) internal returns (bool ok, bytes memory returned) {
        vm.prank(caller);
        (ok, returned) = address(executor).call(abi.encodeWithSignature("setMaxBuilderShareBps(uint16)", uint16(bps)));
    }

    function test_constructor_setsTheGivenCap() public view {
        assertEq(_cap(), 9_000);
    }

    function test_setMaxBuilderShareBps_onlyOwner() public {
        (bool ok, bytes memory returned) = _setCap(operator, 10_000);
        assertFalse(ok, "the operator raised the cap");
        assertEq(returned, abi.encodeWithSignature("NotOwner()"));
        assertEq(_cap(), 9_000);
        (ok,) = _setCap(owner, 2_500);
        assertTrue(ok, "the owner could not set the cap");
        assertEq(_cap(), 2_500);
    }

    function test_setMaxBuilderShareBps_refusesAboveTenThousand() public {
        (bool ok, bytes memory returned) = _setCap(owner, 10_001);
        assertFalse(ok, "a cap above 100% was accepted");
        assertEq(returned, abi.encodeWithSignature("BuilderShareCapTooHigh(uint256)", uint256(10_001)));
        assertEq(_cap(), 9_000);
        (ok,) = _setCap(owner, 10_000);
        assertTrue(ok, "100% is a valid cap");
        assertEq(_cap(), 10_000);
    }

    function test_setMaxBuilderShareBps_emits() public {
        vm.expectEmit(address(executor));
        emit MaxBuilderShareBpsSet(4_200);
        (bool ok,) = _setCap(owner, 4_200);
        assertTrue(ok);
    }

    function test_execute_builderShareAtOwnerCapPays() public {
        // The cap's edge: a plan stating exactly the owner's cap pays the builder up to that share.
        int256 predicted = _predictProfit(_v2v2(), AMOUNT_IN);
        uint256 payment = uint256(predicted) * 9_000 / 10_000;
        bytes memory plan = _plan(false, block.number, AMOUNT_IN, 0, payment, 9_000, _v2v2());
        uint256 before = _wethOf(address(executor));
        vm.prank(operator);
        executor.execute(plan);
        assertEq(builder.balance, payment);
        assertEq(_wethOf(address(executor)) - before, uint256(predicted) - payment);
    }

    function test_execute_loweredCapRefusesAPlanItAllowedBefore() public {
        int256 predicted = _predictProfit(_v2v2(), AMOUNT_IN);
        uint256 payment = uint256(predicted) / 2;
        bytes memory plan = _plan(false, block.number, AMOUNT_IN, 0, payment, 5_000, _v2v2());
        (bool ok,) = _setCap(owner, 4_999);
        assertTrue(ok);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSignature("BuilderShareAboveOwnerCap(uint256,uint256)", uint256(5_000), uint256(4_999)));
        executor.execute(plan);
        assertEq(builder.balance, 0);
    }
}
