// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ExecutorV4Base} from "./ExecutorV4Base.sol";
import {Executor} from "../../src/Executor.sol";

/// @notice V4 as a flash source for any cycle (header flags flash | 32, native ETH | 64): the executor takes the
///         input from the PoolManager, runs the cycle from it, and settles the same amount, without a fee.
contract ExecutorV4LoanTest is ExecutorV4Base {
    uint256 internal constant AMOUNT_IN = 5 ether;
    uint8 internal constant LOAN = 1 | 32;
    uint8 internal constant NATIVE_LOAN = 1 | 32 | 64;

    function _v2v2Legs() internal view returns (Leg[] memory) {
        return _legs2(
            _v2Leg(sushiWethUsdc, address(sushiRouter), address(weth), usdc), _v2Leg(uniWethUsdc, address(uniRouter), usdc, address(weth))
        );
    }

    function _v3v3Legs() internal view returns (Leg[] memory) {
        return _legs2(_v3Leg(v3WethUsdc3000, 3000, address(weth), usdc), _v3Leg(v3WethUsdc500, 500, usdc, address(weth)));
    }

    /// @dev With no inventory at all, the loan finances the cycle: the executor ends with exactly the quoted profit,
    ///      and the PoolManager holds what it held (the loan came back, no fee).
    function _assertLoanPays(uint8 flags, Leg[] memory legs) internal {
        vm.prank(owner);
        executor.withdraw(address(weth), owner, INVENTORY);
        int256 predicted = _predictLegs(legs, AMOUNT_IN);
        assertGt(predicted, 0);
        uint256 pmEth = poolManager.balance;
        uint256 pmWeth = _wethOf(poolManager);
        // The input is taken from the PoolManager (ETH or WETH), not borrowed from the first pool.
        address lent = flags & 64 != 0 ? address(0) : address(weth);
        vm.expectCall(poolManager, abi.encodeWithSignature("take(address,address,uint256)", lent, address(executor), AMOUNT_IN));
        vm.prank(operator);
        executor.execute(_planLegsWithFlags(flags, AMOUNT_IN, 0, legs));
        assertEq(int256(_wethOf(address(executor))), predicted);
        assertEq(address(executor).balance, 0);
        bool v4InCycle;
        for (uint256 i; i < legs.length; ++i) if (legs[i].kind == KIND_V4) v4InCycle = true;
        if (!v4InCycle) {
            assertEq(poolManager.balance, pmEth);
            assertEq(_wethOf(poolManager), pmWeth);
        }
    }

    function test_execute_v4LoanFinancesV2Cycle() public {
        _assertLoanPays(LOAN, _v2v2Legs());
    }

    function test_execute_v4NativeLoanFinancesV3Cycle() public {
        _assertLoanPays(NATIVE_LOAN, _v3v3Legs());
    }

    /// @dev V4 hops inside the loan's unlock swap and settle directly (no second unlock).
    function test_execute_v4LoanWithV4HopsInside() public {
        _assertLoanPays(NATIVE_LOAN, _cycleV4V4());
    }

    function test_execute_v4LoanUnprofitableReverts() public {
        Leg[] memory legs = _legs2(
            _v2Leg(uniWethUsdc, address(uniRouter), address(weth), usdc), _v2Leg(sushiWethUsdc, address(sushiRouter), usdc, address(weth))
        );
        int256 predicted = _predictLegs(legs, AMOUNT_IN);
        assertLt(predicted, 0);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(Executor.InsufficientProfit.selector, predicted, uint256(0)));
        executor.execute(_planLegsWithFlags(LOAN, AMOUNT_IN, 0, legs));
    }

    /// @dev A native loan is wrapped into WETH: it can only finance a WETH-start cycle.
    function test_execute_v4NativeLoanNeedsWethStart() public {
        vm.prank(owner);
        executor.setStartToken(usdc, true);
        Leg[] memory legs = _legs2(
            _v2Leg(uniWethUsdc, address(uniRouter), usdc, address(weth)), _v2Leg(sushiWethUsdc, address(sushiRouter), address(weth), usdc)
        );
        vm.prank(operator);
        vm.expectRevert(Executor.BadPlan.selector);
        executor.execute(_planLegsWithFlags(NATIVE_LOAN, 1_000 ether, 0, legs));
    }

    /// @dev The loan bits mean nothing without flash mode: an inventory plan with them runs from inventory.
    function test_execute_v4LoanBitsIgnoredWithoutFlash() public {
        int256 predicted = _predictLegs(_v2v2Legs(), AMOUNT_IN);
        uint256 before = _wethOf(address(executor));
        uint256 pmWeth = _wethOf(poolManager);
        vm.prank(operator);
        executor.execute(_planLegsWithFlags(32 | 64, AMOUNT_IN, 0, _v2v2Legs()));
        assertEq(int256(_wethOf(address(executor))) - int256(before), predicted);
        assertEq(_wethOf(poolManager), pmWeth);
    }

    function test_execute_v4LoanWithoutPoolManagerReverts() public {
        vm.prank(owner);
        executor.setPoolManager(address(0));
        vm.prank(operator);
        vm.expectRevert(bytes4(keccak256("V4Disabled()")));
        executor.execute(_planLegsWithFlags(LOAN, AMOUNT_IN, 0, _v2v2Legs()));
    }
}
