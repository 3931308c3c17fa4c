// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ExecutorBase} from "./ExecutorBase.sol";
import {Executor} from "../../src/Executor.sol";
import {IRouter02} from "../utils/UniswapFixture.sol";
import {Vm} from "forge-std/Vm.sol";

contract ExecutorTest is ExecutorBase {
    uint256 internal constant AMOUNT_IN = 5 ether;

    /// @dev Runs `hops` and checks the executor gained exactly what the real periphery quoted.
    function _assertProfitsAsQuoted(HopSpec[] memory hops, bool flash) internal {
        int256 predicted = _predictProfit(hops, AMOUNT_IN);
        assertGt(predicted, 0, "fixture cycle must be profitable");
        bytes memory plan = _simplePlan(hops, AMOUNT_IN, flash);
        uint256 before = _wethOf(address(executor));
        vm.prank(operator);
        executor.execute(plan);
        assertEq(int256(_wethOf(address(executor))) - int256(before), predicted);
    }

    function test_execute_v2v2InventoryProfitsAsQuoted() public {
        _assertProfitsAsQuoted(_v2v2(), false);
    }

    function test_execute_v2v2FlashProfitsAsQuoted() public {
        _assertProfitsAsQuoted(_v2v2(), true);
    }

    function test_execute_v2v3InventoryProfitsAsQuoted() public {
        _assertProfitsAsQuoted(_v2v3(), false);
    }

    function test_execute_v2v3FlashProfitsAsQuoted() public {
        _assertProfitsAsQuoted(_v2v3(), true);
    }

    function test_execute_v3v3InventoryProfitsAsQuoted() public {
        _assertProfitsAsQuoted(_v3v3(), false);
    }

    function test_execute_v3v3FlashProfitsAsQuoted() public {
        _assertProfitsAsQuoted(_v3v3(), true);
    }

    function test_execute_triangleInventoryProfitsAsQuoted() public {
        _assertProfitsAsQuoted(_triangle(), false);
    }

    function test_execute_triangleFlashProfitsAsQuoted() public {
        _assertProfitsAsQuoted(_triangle(), true);
    }

    function test_execute_flashNeedsNoInventory() public {
        vm.prank(owner);
        executor.withdraw(address(weth), owner, INVENTORY);
        int256 predicted = _predictProfit(_v3v3(), AMOUNT_IN);
        bytes memory plan = _simplePlan(_v3v3(), AMOUNT_IN, true);
        vm.prank(operator);
        executor.execute(plan);
        assertEq(int256(_wethOf(address(executor))), predicted);
    }

    function test_execute_paysBuilderFromProfit() public {
        int256 predicted = _predictProfit(_v2v2(), AMOUNT_IN);
        uint256 payment = uint256(predicted) / 2;
        bytes memory plan = _plan(false, block.number, AMOUNT_IN, 0, payment, 6000, _v2v2());
        uint256 before = _wethOf(address(executor));
        vm.prank(operator);
        executor.execute(plan);
        assertEq(builder.balance, payment);
        assertEq(_wethOf(address(executor)) - before, uint256(predicted) - payment);
    }

    function test_execute_emitsBuilderPaidWithTheExactAmount() public {
        int256 predicted = _predictProfit(_v2v2(), AMOUNT_IN);
        uint256 payment = uint256(predicted) / 2;
        bytes memory plan = _plan(false, block.number, AMOUNT_IN, 0, payment, 6000, _v2v2());
        vm.recordLogs();
        vm.prank(operator);
        executor.execute(plan);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 events;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].topics[0] != Executor.BuilderPaid.selector) continue;
            events++;
            assertEq(logs[i].emitter, address(executor));
            assertEq(logs[i].topics[1], bytes32(uint256(uint160(builder))));
            assertEq(abi.decode(logs[i].data, (uint256)), payment);
        }
        assertEq(events, 1);
        assertEq(builder.balance, payment);
    }

    function test_execute_emitsNoBuilderPaidWithoutPayment() public {
        bytes memory plan = _simplePlan(_v2v2(), AMOUNT_IN, false);
        vm.recordLogs();
        vm.prank(operator);
        executor.execute(plan);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) assertTrue(logs[i].topics[0] != Executor.BuilderPaid.selector);
        assertEq(builder.balance, 0);
    }

    function test_execute_revertsWhenBuilderPaymentAboveCap() public {
        int256 predicted = _predictProfit(_v2v2(), AMOUNT_IN);
        uint256 payment = uint256(predicted) * 61 / 100;
        bytes memory plan = _plan(false, block.number, AMOUNT_IN, 0, payment, 6000, _v2v2());
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(Executor.BuilderPaymentAboveCap.selector, payment, uint256(predicted) * 6000 / 10_000));
        executor.execute(plan);
    }

    function test_execute_revertsWhenProfitBelowMinimum() public {
        int256 predicted = _predictProfit(_v2v3(), AMOUNT_IN);
        uint256 required = uint256(predicted) + 1;
        bytes memory plan = _plan(false, block.number, AMOUNT_IN, required, 0, 0, _v2v3());
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(Executor.InsufficientProfit.selector, predicted, required));
        executor.execute(plan);
    }

    function test_execute_revertsWhenCycleLoses() public {
        HopSpec[] memory forward = _v2v2();
        HopSpec[] memory reverse = _two(
            _hop(forward[1].pool, address(weth), usdc, false, 0, forward[1].router),
            _hop(forward[0].pool, usdc, address(weth), false, 0, forward[0].router)
        );
        int256 predicted = _predictProfit(reverse, AMOUNT_IN);
        assertLt(predicted, 0);
        uint256 before = _wethOf(address(executor));
        bytes memory plan = _simplePlan(reverse, AMOUNT_IN, false);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(Executor.InsufficientProfit.selector, predicted, 0));
        executor.execute(plan);
        assertEq(_wethOf(address(executor)), before);
    }

    function test_execute_revertsInAnyOtherBlock() public {
        bytes memory plan = _simplePlan(_v2v2(), AMOUNT_IN, false);
        vm.roll(block.number + 1);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(Executor.WrongBlock.selector, block.number - 1, block.number));
        executor.execute(plan);
    }

    function testFuzz_execute_revertsForNonOperator(address caller) public {
        vm.assume(caller != operator);
        bytes memory plan = _simplePlan(_v2v2(), AMOUNT_IN, false);
        vm.prank(caller);
        vm.expectRevert(Executor.NotOperator.selector);
        executor.execute(plan);
    }

    function test_execute_revertsOnMalformedPlans() public {
        bytes memory plan = _simplePlan(_v2v2(), AMOUNT_IN, false);
        // the last hop must return to the start token
        bytes memory open = _simplePlan(
            _two(
                _hop(sushiWethUsdc, address(weth), usdc, false, 0, address(sushiRouter)),
                _hop(uniUsdcDai, usdc, dai, false, 0, address(uniRouter))
            ),
            AMOUNT_IN,
            false
        );
        vm.startPrank(operator);
        vm.expectRevert(Executor.BadPlan.selector);
        executor.execute(bytes.concat(plan, hex"00"));
        vm.expectRevert(Executor.BadPlan.selector);
        executor.execute(open);
        vm.expectRevert(Executor.BadPlan.selector);
        executor.execute(hex"00");
        vm.stopPrank();
    }

    function test_setOperator_onlyOwner() public {
        address newOperator = makeAddr("newOperator");
        vm.expectRevert(Executor.NotOwner.selector);
        executor.setOperator(newOperator, true);
        vm.prank(owner);
        executor.setOperator(newOperator, true);
        assertTrue(executor.isOperator(newOperator));
        vm.prank(owner);
        executor.setOperator(operator, false);
        bytes memory plan = _simplePlan(_v2v2(), AMOUNT_IN, false);
        vm.prank(operator);
        vm.expectRevert(Executor.NotOperator.selector);
        executor.execute(plan);
    }

    function test_withdraw_onlyOwnerMovesTokensAndEth() public {
        vm.prank(operator);
        vm.expectRevert(Executor.NotOwner.selector);
        executor.withdraw(address(weth), operator, 1);
        vm.prank(owner);
        executor.withdraw(address(weth), owner, 10 ether);
        assertEq(_wethOf(owner), 10 ether);
        vm.deal(address(executor), 1 ether);
        vm.prank(owner);
        executor.withdraw(address(0), owner, 1 ether);
        assertEq(owner.balance, 1 ether);
    }

    function test_receive_refusesEthExceptFromWeth() public {
        vm.deal(address(this), 1 ether);
        (bool ok,) = address(executor).call{value: 1 ether}("");
        assertFalse(ok);
    }
}
