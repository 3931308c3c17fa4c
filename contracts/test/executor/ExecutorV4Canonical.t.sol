// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ExecutorV4Base} from "./ExecutorV4Base.sol";
import {Executor} from "../../src/Executor.sol";

/// @notice A plan has one encoding: flag combinations that mean nothing (V3 and V4, listed V4, V4 bits on a V2/V3
///         hop, header bit 7) and a trailer that does not match the V4 hops one to one, in order, are BadPlan before
///         any swap, even where the executor could have read a meaning into them (src/bundle/plan.ts decodePlan
///         refuses the same).
contract ExecutorV4CanonicalTest is ExecutorV4Base {
    uint256 internal constant AMOUNT_IN = 5 ether;

    function _hopFlags(uint256 index) internal pure returns (uint256) {
        return 80 + 44 * index + 40;
    }

    function _expectBadPlan(bytes memory plan) internal {
        uint256 before = _wethOf(address(executor));
        vm.prank(operator);
        vm.expectRevert(Executor.BadPlan.selector);
        executor.execute(plan);
        assertEq(_wethOf(address(executor)), before);
    }

    function test_execute_v4HopWithV3BitReverts() public {
        bytes memory plan = _planLegs(false, AMOUNT_IN, 0, _cycleV2V4());
        plan[_hopFlags(1)] = bytes1(uint8(plan[_hopFlags(1)]) | 1);
        _expectBadPlan(plan);
    }

    /// @dev Flash with a first hop flagged V3 and V4: refused, not swapped as a V3 pool named by the hooks field.
    function test_execute_v4FlashFirstHopWithV3BitReverts() public {
        bytes memory plan = _planLegs(true, AMOUNT_IN, 0, _cycleV4NativeV2());
        plan[_hopFlags(0)] = bytes1(uint8(plan[_hopFlags(0)]) | 1);
        _expectBadPlan(plan);
    }

    function test_execute_v4HopWithListedBitReverts() public {
        bytes memory plan = _planLegs(false, AMOUNT_IN, 0, _cycleV2V4());
        plan[_hopFlags(1)] = bytes1(uint8(plan[_hopFlags(1)]) | 4);
        _expectBadPlan(plan);
    }

    function test_execute_v4BitsOnV2HopReverts() public {
        for (uint8 bit = 16; bit != 0; bit <<= 1) {
            bytes memory plan = _planLegs(false, AMOUNT_IN, 0, _cycleV2V4());
            plan[_hopFlags(0)] = bytes1(uint8(plan[_hopFlags(0)]) | bit);
            _expectBadPlan(plan);
        }
    }

    function test_execute_v4HeaderBit7Reverts() public {
        bytes memory plan = _planLegs(false, AMOUNT_IN, 0, _cycleV2V4());
        plan[0] = bytes1(uint8(plan[0]) | 128);
        _expectBadPlan(plan);
    }

    /// @dev Header says two V4 hops (trailer of two), the plan has one.
    function test_execute_v4HeaderCountAboveV4HopsReverts() public {
        bytes memory plan = _planLegs(false, AMOUNT_IN, 0, _cycleV2V4());
        plan[0] = bytes1(uint8(plan[0]) + 2);
        _expectBadPlan(bytes.concat(plan, bytes3(uint24(10))));
    }

    function test_execute_v4TrailerIndicesOutOfOrderReverts() public {
        bytes memory plan = _planLegs(false, AMOUNT_IN, 0, _cycleV4V4());
        // Swap the two hops' indices and the two trailer entries: every hop still reads its own tick spacing.
        plan[_hopFlags(0)] = bytes1(uint8(plan[_hopFlags(0)]) | 32);
        plan[_hopFlags(1)] = bytes1(uint8(plan[_hopFlags(1)]) & 0x1f);
        uint256 t = 80 + 44 * 2;
        for (uint256 k; k < 3; ++k) (plan[t + k], plan[t + 3 + k]) = (plan[t + 3 + k], plan[t + k]);
        _expectBadPlan(plan);
    }

    function test_execute_v4TrailerIndexSharedReverts() public {
        bytes memory plan = _planLegs(false, AMOUNT_IN, 0, _cycleV4V4());
        plan[_hopFlags(1)] = bytes1(uint8(plan[_hopFlags(1)]) & 0x1f);
        _expectBadPlan(plan);
    }

    /// @dev The canonical encoding of the same cycles still runs (the rules refuse only the variants above).
    function test_execute_v4CanonicalPlansStillRun() public {
        vm.prank(operator);
        executor.execute(_planLegs(false, AMOUNT_IN, 0, _cycleV4V4()));
        vm.prank(operator);
        executor.execute(_planLegs(true, AMOUNT_IN, 0, _cycleV4NativeV2()));
    }
}
