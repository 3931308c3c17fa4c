// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ExecutorBase} from "./ExecutorBase.sol";
import {Executor} from "../../src/Executor.sol";
import {IV2PairFull} from "../utils/UniswapFixture.sol";
import {NoReturnToken} from "../../src/devnet/NoReturnToken.sol";
import {FeeOnTransferToken} from "../../src/devnet/FeeOnTransferToken.sol";
import {HoneypotToken} from "../../src/devnet/HoneypotToken.sol";
import {SalmonellaToken} from "../../src/devnet/SalmonellaToken.sol";
import {TokenTransfer} from "../../src/libraries/TokenTransfer.sol";

/// @notice Calls the executor's V3 callback as if it were a pool.
contract FakePool {
    function attack(Executor executor, bytes calldata data) external {
        executor.uniswapV3SwapCallback(1 ether, -1 ether, data);
    }
}

/// @notice A block builder whose coinbase contract tries everything when paid.
contract ReentrantCoinbase {
    Executor internal immutable executor;
    address internal immutable weth;
    bytes internal plan;
    bool internal bubble;
    uint256 public reentrySucceeded;
    uint256 public reentryAttempts;

    constructor(Executor executor_, address weth_) {
        executor = executor_;
        weth = weth_;
    }

    function arm(bytes calldata plan_, bool bubble_) external {
        plan = plan_;
        bubble = bubble_;
    }

    receive() external payable {
        reentryAttempts += 3;
        try executor.execute(plan) {
            reentrySucceeded++;
        } catch {}
        try executor.uniswapV3SwapCallback(1 ether, 0, "") {
            reentrySucceeded++;
        } catch {}
        try executor.withdraw(weth, address(this), 1 ether) {
            reentrySucceeded++;
        } catch {}
        if (bubble) revert("coinbase refuses");
    }
}

contract ExecutorAttacksTest is ExecutorBase {
    uint256 internal constant AMOUNT_IN = 5 ether;

    function testFuzz_uniswapV3SwapCallback_revertsForAnyCaller(address caller, int256 amount0, int256 amount1, bytes calldata data)
        public
    {
        uint256 before = _wethOf(address(executor));
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(Executor.UnexpectedCallback.selector, caller));
        executor.uniswapV3SwapCallback(amount0, amount1, data);
        assertEq(_wethOf(address(executor)), before);
    }

    function testFuzz_uniswapV2Call_revertsForAnyCaller(address caller, address sender, uint256 amount0, uint256 amount1, bytes calldata data)
        public
    {
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(Executor.UnexpectedCallback.selector, caller));
        executor.uniswapV2Call(sender, amount0, amount1, data);
    }

    function test_uniswapV2Call_realPairFlashSwapToExecutorReverts() public {
        IV2PairFull pair = IV2PairFull(uniWethUsdc);
        (uint112 r0, uint112 r1,) = pair.getReserves();
        bool wethIsToken0 = pair.token0() == address(weth);
        uint256 before = _wethOf(address(executor));
        bytes memory data = _simplePlan(_v2v2(), AMOUNT_IN, true);
        vm.prank(makeAddr("attacker"));
        vm.expectRevert(abi.encodeWithSelector(Executor.UnexpectedCallback.selector, address(pair)));
        pair.swap(wethIsToken0 ? 1 ether : 0, wethIsToken0 ? 0 : 1 ether, address(executor), data);
        assertEq(_wethOf(address(executor)), before);
        (uint112 after0, uint112 after1,) = pair.getReserves();
        assertEq(after0, r0);
        assertEq(after1, r1);
    }

    function test_uniswapV3SwapCallback_fakePoolReverts() public {
        FakePool fake = new FakePool();
        uint256 before = _wethOf(address(executor));
        vm.expectRevert(abi.encodeWithSelector(Executor.UnexpectedCallback.selector, address(fake)));
        fake.attack(executor, "");
        bytes memory plan = _simplePlan(_v3v3(), AMOUNT_IN, true);
        vm.expectRevert(abi.encodeWithSelector(Executor.UnexpectedCallback.selector, address(fake)));
        fake.attack(executor, plan);
        assertEq(_wethOf(address(executor)), before);
    }

    function test_execute_coinbaseReentryFailsWhenPaid() public {
        ReentrantCoinbase coinbase = new ReentrantCoinbase(executor, address(weth));
        vm.prank(owner);
        executor.setOperator(address(coinbase), true); // even an operator cannot re-enter
        vm.coinbase(address(coinbase));
        int256 profit = _predictProfit(_v2v2(), AMOUNT_IN);
        uint256 payment = uint256(profit) / 4;
        bytes memory plan = _plan(false, block.number, AMOUNT_IN, 0, payment, 5000, _v2v2());
        coinbase.arm(plan, false);
        uint256 before = _wethOf(address(executor));
        vm.prank(operator);
        executor.execute(plan);
        assertEq(coinbase.reentryAttempts(), 3);
        assertEq(coinbase.reentrySucceeded(), 0);
        assertEq(address(coinbase).balance, payment);
        assertEq(_wethOf(address(executor)) - before, uint256(profit) - payment);
    }

    function test_execute_coinbaseThatRevertsMakesPlanRevert() public {
        ReentrantCoinbase coinbase = new ReentrantCoinbase(executor, address(weth));
        vm.coinbase(address(coinbase));
        int256 profit = _predictProfit(_v2v2(), AMOUNT_IN);
        bytes memory plan = _plan(false, block.number, AMOUNT_IN, 0, uint256(profit) / 4, 5000, _v2v2());
        coinbase.arm(plan, true);
        uint256 before = _wethOf(address(executor));
        vm.prank(operator);
        vm.expectRevert(Executor.BuilderPaymentFailed.selector);
        executor.execute(plan);
        assertEq(_wethOf(address(executor)), before);
    }

    function test_execute_replayedCalldataReverts() public {
        bytes memory call = abi.encodeCall(executor.execute, (_simplePlan(_v2v2(), AMOUNT_IN, false)));
        vm.prank(makeAddr("copycat"));
        (bool ok, bytes memory reason) = address(executor).call(call);
        assertFalse(ok);
        assertEq(bytes4(reason), Executor.NotOperator.selector);
        vm.roll(block.number + 1);
        vm.prank(operator);
        (ok, reason) = address(executor).call(call);
        assertFalse(ok);
        assertEq(bytes4(reason), Executor.WrongBlock.selector);
    }

    /// @dev Two V2 pools of WETH/`token` with a 5% price gap: buy on the cheap one, sell on the dear one.
    function _gapCycle(address token, bool flash) internal returns (bytes memory plan, HopSpec[] memory hops) {
        address cheap = _v2Pool(uniFactory, address(weth), token, 100 ether, 1_050_000 ether);
        address dear = _v2Pool(sushiFactory, address(weth), token, 100 ether, 1_000_000 ether);
        hops = _two(
            _hop(cheap, address(weth), token, false, 0, address(uniRouter)),
            _hop(dear, token, address(weth), false, 0, address(sushiRouter))
        );
        plan = _simplePlan(hops, 1 ether, flash);
    }

    function _assertRevertsWithoutLoss(bytes memory plan, bytes memory reason) internal {
        uint256 before = _wethOf(address(executor));
        vm.prank(operator);
        if (reason.length == 4) vm.expectPartialRevert(bytes4(reason));
        else vm.expectRevert(reason);
        executor.execute(plan);
        assertEq(_wethOf(address(executor)), before);
    }

    function test_execute_usdtLikeTokenWorks() public {
        address usdt = address(new NoReturnToken("Tether", "USDT", 18, address(this)));
        (bytes memory plan, HopSpec[] memory hops) = _gapCycle(usdt, true);
        int256 predicted = _predictProfit(hops, 1 ether);
        uint256 before = _wethOf(address(executor));
        vm.prank(operator);
        executor.execute(plan);
        assertEq(int256(_wethOf(address(executor))) - int256(before), predicted);
    }

    function test_execute_feeOnTransferTokenReverts() public {
        address fot = address(new FeeOnTransferToken("Fee", "FOT", 18, address(this), 200));
        (bytes memory plan,) = _gapCycle(fot, false);
        // the second pair received 2% less than the executor computed its output from
        _assertRevertsWithoutLoss(plan, bytes("UniswapV2: K"));
    }

    function test_execute_honeypotTokenReverts() public {
        HoneypotToken honey = new HoneypotToken("Honey", "HONEY", 18, address(this));
        (bytes memory plan, HopSpec[] memory hops) = _gapCycle(address(honey), true);
        honey.setPool(hops[0].pool, true);
        honey.setPool(hops[1].pool, true);
        // flash: the first pair sends HONEY to the executor, which can never pass it on
        _assertRevertsWithoutLoss(plan, abi.encodePacked(TokenTransfer.TransferFailed.selector));
    }

    function test_execute_salmonellaTokenReverts() public {
        address salmon = address(new SalmonellaToken("Salmonella", "SALMON", 18, address(this), 1000));
        (bytes memory inventoryPlan,) = _gapCycle(salmon, false);
        // the second pair was credited a tenth of what the Transfer event said
        _assertRevertsWithoutLoss(inventoryPlan, bytes("UniswapV2: K"));
    }
}
