// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {ExecutorBase} from "./ExecutorBase.sol";
import {Executor} from "../../src/Executor.sol";
import {IV2PairFull, IWETH9} from "../utils/UniswapFixture.sol";

/// @notice Random actors do everything they can to the executor; the ghost variables track what the owner
///         took out and what anyone put in.
contract ExecutorHandler is Test {
    Executor internal immutable executor;
    IWETH9 internal immutable weth;
    address internal immutable owner;
    address internal immutable operator;
    address internal immutable pair;
    bytes internal profitablePlan;

    uint256 public withdrawnByOwner;
    uint256 public donated;
    uint256 public strangerSuccesses;
    /// @dev How often each guarded path was actually tried, so the invariants are known not to hold vacuously.
    uint256 public strangerAttempts;
    uint256 public operatorSuccesses;

    constructor(Executor executor_, IWETH9 weth_, address owner_, address operator_, address pair_, bytes memory plan_) {
        executor = executor_;
        weth = weth_;
        owner = owner_;
        operator = operator_;
        pair = pair_;
        profitablePlan = plan_;
    }

    function _stranger(uint256 seed) internal view returns (address actor) {
        actor = address(uint160(bound(seed, 1, type(uint160).max)));
        if (actor == owner || actor == operator) actor = address(0xBAD);
    }

    function strangerCallsV3Callback(uint256 seed, int256 amount0, int256 amount1, bytes calldata data) external {
        vm.prank(_stranger(seed));
        strangerAttempts++;
        try executor.uniswapV3SwapCallback(amount0, amount1, data) {
            strangerSuccesses++;
        } catch {}
    }

    function strangerCallsV2Callback(uint256 seed, address sender, uint256 amount0, uint256 amount1, bytes calldata data)
        external
    {
        vm.prank(_stranger(seed));
        strangerAttempts++;
        try executor.uniswapV2Call(sender, amount0, amount1, data) {
            strangerSuccesses++;
        } catch {}
    }

    function strangerFlashSwapsToExecutor(uint256 seed, uint256 amount) external {
        amount = bound(amount, 1, 10 ether);
        bool wethIsToken0 = IV2PairFull(pair).token0() == address(weth);
        vm.prank(_stranger(seed));
        strangerAttempts++;
        try IV2PairFull(pair).swap(wethIsToken0 ? amount : 0, wethIsToken0 ? 0 : amount, address(executor), profitablePlan) {
            strangerSuccesses++;
        } catch {}
    }

    function strangerExecutes(uint256 seed, bytes calldata plan) external {
        vm.prank(_stranger(seed));
        strangerAttempts++;
        try executor.execute(plan) {
            strangerSuccesses++;
        } catch {}
    }

    function strangerReplaysOperatorPlan(uint256 seed) external {
        vm.prank(_stranger(seed));
        strangerAttempts++;
        try executor.execute(profitablePlan) {
            strangerSuccesses++;
        } catch {}
    }

    function strangerWithdraws(uint256 seed, address token, uint256 amount) external {
        vm.prank(_stranger(seed));
        strangerAttempts++;
        try executor.withdraw(token, _stranger(seed), amount) {
            strangerSuccesses++;
        } catch {}
    }

    function strangerSetsOperator(uint256 seed) external {
        address stranger = _stranger(seed);
        vm.prank(stranger);
        strangerAttempts++;
        try executor.setOperator(stranger, true) {
            strangerSuccesses++;
        } catch {}
    }

    function anyoneDonates(uint256 amount) external {
        amount = bound(amount, 0, 5 ether);
        vm.deal(address(this), amount);
        weth.deposit{value: amount}();
        weth.transfer(address(executor), amount);
        donated += amount;
    }

    function operatorExecutes() external {
        vm.prank(operator);
        try executor.execute(profitablePlan) {
            operatorSuccesses++;
        } catch {}
    }

    function ownerWithdraws(uint256 amount) external {
        amount = bound(amount, 0, weth.balanceOf(address(executor)) / 10);
        vm.prank(owner);
        executor.withdraw(address(weth), owner, amount);
        withdrawnByOwner += amount;
    }
}

contract ExecutorInvariantTest is ExecutorBase {
    ExecutorHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new ExecutorHandler(executor, weth, owner, operator, uniWethUsdc, _simplePlan(_v2v2(), 2 ether, false));
        targetContract(address(handler));
    }

    /// @dev Holdings fall only through the owner's withdrawals: everything else only adds.
    function invariant_holdingsOnlyFallThroughOwnerWithdraw() public view {
        assertGe(_wethOf(address(executor)) + handler.withdrawnByOwner(), INVENTORY + handler.donated());
    }

    function invariant_strangersNeverSucceed() public view {
        assertEq(handler.strangerSuccesses(), 0);
    }

    /// @dev The campaign really tried the guarded paths: strangers called, and the operator's plan ran at least once
    /// (otherwise "holdings only fall through withdraw" would hold for want of any trade).
    function afterInvariant() public view {
        assertGt(handler.strangerAttempts(), 0);
        assertGt(handler.operatorSuccesses(), 0);
    }

    /// @dev The executor never grants an allowance to anyone who could spend its tokens.
    function invariant_noAllowanceFromExecutor() public view {
        address[3] memory tokens = [address(weth), usdc, dai];
        address[9] memory spenders = [
            uniWethUsdc, sushiWethUsdc, v3WethUsdc500, v3WethUsdc3000, uniUsdcDai, uniWethDai, address(uniRouter),
            address(sushiRouter), address(handler)
        ];
        for (uint256 t; t < tokens.length; ++t) {
            for (uint256 s; s < spenders.length; ++s) {
                assertEq(IAllowance(tokens[t]).allowance(address(executor), spenders[s]), 0);
            }
        }
    }
}

interface IAllowance {
    function allowance(address, address) external view returns (uint256);
}
