// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ExecutorSizedBase} from "./ExecutorSizedBase.sol";
import {Executor} from "../../src/Executor.sol";

/// @notice `executeSized`: the input comes from a sizing table keyed by the touched pool's live state (V2 reserve0,
///         V3 sqrtPriceX96), linearly interpolated, capped by the plan's amountIn; the builder gets a share of the
///         realised profit. Expected inputs follow the table rule; expected profits come from the real periphery's
///         quotes (Router02, QuoterV2) on the same state, never from the executor's own math.
contract ExecutorSizedTest is ExecutorSizedBase {
    uint256 internal constant CEILING = 50 ether;

    function _plan(HopSpec[] memory hops, uint256 amountIn, uint256 minProfit, uint16 maxShareBps)
        internal
        view
        returns (bytes memory)
    {
        return _plan(false, block.number, amountIn, minProfit, 0, maxShareBps, hops);
    }

    /// @dev Runs executeSized as the operator and returns the input the first pool received and the executor's gain.
    function _runSized(bytes memory plan, bytes memory sizing, address firstPool) internal returns (uint256 input, int256 gain) {
        (uint256 poolBefore, uint256 executorBefore) = (_wethOf(firstPool), _wethOf(address(executor)));
        vm.prank(operator);
        executor.executeSized(plan, sizing);
        input = _wethOf(firstPool) - poolBefore;
        gain = int256(_wethOf(address(executor))) - int256(executorBefore);
    }

    function _expectNoOpportunity(bytes memory plan, bytes memory sizing, uint256 key) internal {
        uint256 before = _wethOf(address(executor));
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(Executor.NoOpportunity.selector, key));
        executor.executeSized(plan, sizing);
        assertEq(_wethOf(address(executor)), before);
    }

    function test_executeSized_v2KeyInterpolates() public {
        HopSpec[] memory hops = _v2v2();
        uint256 key = _keyOf(sushiWethUsdc, false);
        // The live key is a quarter of the way from the first entry to the second: 2 + (6 - 2) / 4 = 3 WETH.
        bytes memory sizing = _sizing(sushiWethUsdc, 0, 0, _pair(key - 1e18, key + 3e18), _pair(2 ether, 6 ether));
        int256 predicted = _predictProfit(hops, 3 ether);
        (uint256 input, int256 gain) = _runSized(_plan(hops, CEILING, 0, 0), sizing, sushiWethUsdc);
        assertEq(input, 3 ether);
        assertEq(gain, predicted);
        assertGt(gain, 0);
    }

    function test_executeSized_v2KeyOnSecondHopInterpolatesDownwardAmounts() public {
        HopSpec[] memory hops = _v2v2();
        uint256 key = _keyOf(uniWethUsdc, false);
        // Amounts falling along the keys: a third of the way, the step rounded down (toward the first amount).
        bytes memory sizing = _sizing(uniWethUsdc, 1, 0, _pair(key - 1, key + 2), _pair(7 ether, 3 ether - 1));
        uint256 step = 4 ether + 1;
        uint256 expected = 7 ether - step / 3;
        int256 predicted = _predictProfit(hops, expected);
        (uint256 input, int256 gain) = _runSized(_plan(hops, CEILING, 0, 0), sizing, sushiWethUsdc);
        assertEq(input, expected);
        assertEq(gain, predicted);
    }

    function test_executeSized_v3KeyInterpolates() public {
        HopSpec[] memory hops = _v3v3();
        uint256 key = _keyOf(v3WethUsdc500, true); // the second hop's pool
        uint256 step = 1 << 80;
        bytes memory sizing = _sizing(v3WethUsdc500, 1, 0, _pair(key - step, key + 4 * step), _pair(1 ether, 11 ether));
        // 1 + 10 * 1/5 = 3 WETH
        int256 predicted = _predictProfit(hops, 3 ether);
        (uint256 input, int256 gain) = _runSized(_plan(hops, CEILING, 0, 0), sizing, v3WethUsdc3000);
        assertEq(input, 3 ether);
        assertEq(gain, predicted);
        assertGt(gain, 0);
    }

    function test_executeSized_v2ExactTableHit() public {
        HopSpec[] memory hops = _v2v2();
        uint256 key = _keyOf(sushiWethUsdc, false);
        uint256[] memory keys = new uint256[](3);
        (keys[0], keys[1], keys[2]) = (key - 10, key, key + 10);
        uint256[] memory amounts = new uint256[](3);
        (amounts[0], amounts[1], amounts[2]) = (1, 4 ether + 7, 1);
        int256 predicted = _predictProfit(hops, 4 ether + 7);
        (uint256 input, int256 gain) = _runSized(_plan(hops, CEILING, 0, 0), _sizing(sushiWethUsdc, 0, 0, keys, amounts), sushiWethUsdc);
        assertEq(input, 4 ether + 7);
        assertEq(gain, predicted);
    }

    function test_executeSized_v3ExactTableHitOnFirstAndLastKey() public {
        HopSpec[] memory hops = _v3v3();
        uint256 key = _keyOf(v3WethUsdc3000, true);
        int256 predicted = _predictProfit(hops, 2 ether);
        uint256 snapshot = vm.snapshotState();
        (uint256 input, int256 gain) =
            _runSized(_plan(hops, CEILING, 0, 0), _sizing(v3WethUsdc3000, 0, 0, _pair(key, key + 1), _pair(2 ether, 9 ether)), v3WethUsdc3000);
        assertEq(input, 2 ether);
        assertEq(gain, predicted);
        vm.revertToState(snapshot);
        (input, gain) =
            _runSized(_plan(hops, CEILING, 0, 0), _sizing(v3WethUsdc3000, 0, 0, _pair(key - 1, key), _pair(9 ether, 2 ether)), v3WethUsdc3000);
        assertEq(input, 2 ether);
        assertEq(gain, predicted);
    }

    function test_executeSized_v2KeyOutOfRangeReverts() public {
        uint256 key = _keyOf(sushiWethUsdc, false);
        bytes memory plan = _plan(_v2v2(), CEILING, 0, 0);
        _expectNoOpportunity(plan, _sizing(sushiWethUsdc, 0, 0, _pair(key + 1, key + 100), _pair(1 ether, 2 ether)), key);
        _expectNoOpportunity(plan, _sizing(sushiWethUsdc, 0, 0, _pair(key - 100, key - 1), _pair(1 ether, 2 ether)), key);
    }

    function test_executeSized_v3KeyOutOfRangeReverts() public {
        uint256 key = _keyOf(v3WethUsdc500, true);
        bytes memory plan = _plan(_v3v3(), CEILING, 0, 0);
        _expectNoOpportunity(plan, _sizing(v3WethUsdc500, 1, 0, _pair(key + 1, key + 100), _pair(1 ether, 2 ether)), key);
        _expectNoOpportunity(plan, _sizing(v3WethUsdc500, 1, 0, _pair(key - 100, key - 1), _pair(1 ether, 2 ether)), key);
    }

    function test_executeSized_zeroAmountReverts() public {
        uint256 key = _keyOf(sushiWethUsdc, false);
        bytes memory plan = _plan(_v2v2(), CEILING, 0, 0);
        _expectNoOpportunity(plan, _sizing(sushiWethUsdc, 0, 0, _pair(key - 1, key + 1), _pair(0, 0)), key);
        // Interpolation that rounds down to zero: 0 + floor(1 * 1 / 3).
        _expectNoOpportunity(plan, _sizing(sushiWethUsdc, 0, 0, _pair(key - 1, key + 2), _pair(0, 1)), key);
        // A plan whose ceiling is 0.
        _expectNoOpportunity(_plan(_v2v2(), 0, 0, 0), _sizing(sushiWethUsdc, 0, 0, _pair(key - 1, key + 1), _pair(5 ether, 5 ether)), key);
        uint256 v3Key = _keyOf(v3WethUsdc3000, true);
        _expectNoOpportunity(_plan(_v3v3(), CEILING, 0, 0), _sizing(v3WethUsdc3000, 0, 0, _pair(v3Key, v3Key + 5), _pair(0, 1 ether)), v3Key);
    }

    function test_executeSized_amountCappedAtPlanAmountIn() public {
        HopSpec[] memory hops = _v2v2();
        uint256 key = _keyOf(sushiWethUsdc, false);
        int256 predicted = _predictProfit(hops, 4 ether);
        (uint256 input, int256 gain) =
            _runSized(_plan(hops, 4 ether, 0, 0), _sizing(sushiWethUsdc, 0, 0, _pair(key - 1, key + 1), _pair(100 ether, 100 ether)), sushiWethUsdc);
        assertEq(input, 4 ether);
        assertEq(gain, predicted);
    }

    function test_executeSized_extremeTableIsCappedNotOverflowed() public {
        // Keys over the whole uint160 range and amounts near uint128: (a1 - a0) * (key - k0) exceeds 256 bits.
        HopSpec[] memory hops = _v3v3();
        uint256 key = _keyOf(v3WethUsdc3000, true);
        bytes memory sizing =
            _sizing(v3WethUsdc3000, 0, 0, _pair(0, type(uint160).max), _pair(type(uint128).max, type(uint128).max - 1));
        int256 predicted = _predictProfit(hops, 3 ether);
        (uint256 input, int256 gain) = _runSized(_plan(hops, 3 ether, 0, 0), sizing, v3WethUsdc3000);
        assertEq(input, 3 ether);
        assertEq(gain, predicted);
        assertGt(key, 0);
    }

    function test_executeSized_paysShareOfRealisedProfit() public {
        HopSpec[] memory hops = _v2v3();
        uint256 key = _keyOf(uniWethUsdc, false);
        uint256 gross = uint256(_predictProfit(hops, 5 ether));
        uint256 payment = gross * 3_000 / 10_000;
        uint256 coinbaseBefore = builder.balance;
        (uint256 input, int256 gain) =
            _runSized(_plan(hops, CEILING, 0, 5_000), _sizing(uniWethUsdc, 0, 3_000, _pair(key - 1, key + 1), _pair(5 ether, 5 ether)), uniWethUsdc);
        assertEq(input, 5 ether);
        assertEq(builder.balance - coinbaseBefore, payment);
        assertEq(gain, int256(gross - payment));
        assertGt(payment, 0);
    }

    function test_executeSized_profitFloorReverts() public {
        HopSpec[] memory hops = _v2v2();
        uint256 key = _keyOf(sushiWethUsdc, false);
        uint256 gross = uint256(_predictProfit(hops, 5 ether));
        uint256 payment = gross * 2_500 / 10_000;
        bytes memory sizing = _sizing(sushiWethUsdc, 0, 2_500, _pair(key - 1, key + 1), _pair(5 ether, 5 ether));
        uint256 before = _wethOf(address(executor));
        uint256 coinbaseBefore = builder.balance;
        // One wei above what is left after the builder's share: refused, nothing moves.
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(Executor.InsufficientProfit.selector, int256(gross), gross - payment + 1 + payment));
        executor.executeSized(_plan(hops, CEILING, gross - payment + 1, 5_000), sizing);
        assertEq(_wethOf(address(executor)), before);
        assertEq(builder.balance, coinbaseBefore);
        // Exactly at the floor: it runs.
        (, int256 gain) = _runSized(_plan(hops, CEILING, gross - payment, 5_000), sizing, sushiWethUsdc);
        assertEq(gain, int256(gross - payment));
        assertEq(builder.balance - coinbaseBefore, payment);
    }

    function test_executeSized_losingInputRevertsWithInsufficientProfit() public {
        // Far past the optimum the cycle loses: the realised "profit" is negative and the call reverts.
        HopSpec[] memory hops = _v2v2();
        uint256 key = _keyOf(sushiWethUsdc, false);
        int256 predicted = _predictProfit(hops, 400 ether);
        assertLt(predicted, 0);
        uint256 before = _wethOf(address(executor));
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(Executor.InsufficientProfit.selector, predicted, uint256(0)));
        executor.executeSized(_plan(hops, 400 ether, 0, 0), _sizing(sushiWethUsdc, 0, 0, _pair(key - 1, key + 1), _pair(400 ether, 400 ether)));
        assertEq(_wethOf(address(executor)), before);
    }

    function test_executeSized_shareAbovePlanCapReverts() public {
        uint256 key = _keyOf(sushiWethUsdc, false);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(Executor.BuilderShareAbovePlanCap.selector, 5_001, 5_000));
        executor.executeSized(_plan(_v2v2(), CEILING, 0, 5_000), _sizing(sushiWethUsdc, 0, 5_001, _pair(key - 1, key + 1), _pair(1 ether, 1 ether)));
    }

    function test_executeSized_planShareAboveOwnerCapReverts() public {
        uint256 key = _keyOf(sushiWethUsdc, false);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(Executor.BuilderShareAboveOwnerCap.selector, 9_001, MAX_BUILDER_SHARE_BPS));
        executor.executeSized(_plan(_v2v2(), CEILING, 0, 9_001), _sizing(sushiWethUsdc, 0, 9_001, _pair(key - 1, key + 1), _pair(1 ether, 1 ether)));
    }
}
