// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ExecutorV4Base} from "./ExecutorV4Base.sol";
import {Executor} from "../../src/Executor.sol";
import {V4Legs} from "../../src/V4Legs.sol";
import {V4Key, V4ModifyLiquidityParams, IV4PoolManagerFull} from "../utils/V4Fixture.sol";
import {ImpostorPoolManager, ReentrantHook, IUnlockCallbackTarget} from "../utils/V4Rogues.sol";

/// @notice Attacks on the V4 leg: unlockCallback from outside, outside our own execution, re-entered from a hook,
///         with forged data, and a PoolManager impostor answering with wrong currencies, excess claims or no payment.
contract ExecutorV4AttacksTest is ExecutorV4Base {
    uint256 internal constant AMOUNT_IN = 5 ether;

    /// @dev What our own unlock passes for a swap paying `recipient` (abi.encode(V4Swap, bytes), V4Swap = key,
    ///      zeroForOne, amountIn, recipient, loan).
    function _callbackData(address recipient) internal view returns (bytes memory) {
        return abi.encode(v4WethUsdc, true, uint256(1 ether), recipient, false, bytes(""));
    }

    function test_unlockCallback_outsideCallerReverts() public {
        address stranger = makeAddr("stranger");
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(V4Legs.V4UnexpectedCallback.selector, stranger));
        executor.unlockCallback(_callbackData(stranger));
    }

    /// @dev The real PoolManager's address, but no unlock of ours is running.
    function test_unlockCallback_poolManagerOutsideOurExecutionReverts() public {
        vm.prank(poolManager);
        vm.expectRevert(abi.encodeWithSelector(V4Legs.V4UnexpectedCallback.selector, poolManager));
        executor.unlockCallback(_callbackData(poolManager));
    }

    /// @dev Someone else's unlock: the PoolManager calls back the unlocker, so the attacker can only call us itself.
    function test_unlockCallback_fromAnotherUnlockReverts() public {
        Unlocker unlocker = new Unlocker(IUnlockCallbackTarget(address(executor)), _callbackData(address(0xBEEF)));
        vm.expectRevert(abi.encodeWithSelector(V4Legs.V4UnexpectedCallback.selector, address(unlocker)));
        unlocker.unlock(poolManager);
    }

    /// @dev A hook (allowed by the owner, and even an operator) runs inside our swap: its unlockCallback is refused
    ///      (V4UnexpectedCallback: the slot was cleared on first use), its execute hits the lock (Reentered), and the
    ///      cycle still pays exactly what the periphery quotes.
    function test_unlockCallback_reentryFromHookReverts() public {
        address hookAddress = address(uint160(0xC0FFEE) << 136 | 0x0080); // beforeSwap flag only
        vm.etch(hookAddress, address(new ReentrantHook()).code);
        ReentrantHook hook = ReentrantHook(hookAddress);
        (address a, address b) = address(weth) < usdc ? (address(weth), usdc) : (usdc, address(weth));
        V4Key memory key = V4Key(a, b, 500, 10, hookAddress);
        (uint256 num, uint256 den) = a == address(weth) ? (uint256(2900), uint256(1)) : (uint256(1), uint256(2900));
        IV4PoolManagerFull(poolManager).initialize(key, uint160(_sqrt((num << 192) / den)));
        v4LiquidityRouter.modifyLiquidity(
            key, V4ModifyLiquidityParams(-887270, 887270, int256(_sqrt(800 ether * 2_320_000 ether)), bytes32(0)), ""
        );
        vm.startPrank(owner);
        executor.setV4Hooks(hookAddress, true);
        executor.setOperator(hookAddress, true);
        vm.stopPrank();

        Leg[] memory legs = _legs2(_v2Leg(uniWethUsdc, address(uniRouter), address(weth), usdc), _v4Leg(key, usdc, address(weth)));
        int256 predicted = _predictLegs(legs, AMOUNT_IN);
        bytes memory plan = _planLegs(false, AMOUNT_IN, 0, legs);
        hook.arm(IUnlockCallbackTarget(address(executor)), _callbackData(hookAddress), plan);
        uint256 before = _wethOf(address(executor));
        vm.prank(operator);
        executor.execute(plan);
        assertEq(int256(_wethOf(address(executor))) - int256(before), predicted);
        assertEq(hook.attempts(), 2);
        assertEq(hook.successes(), 0);
        assertEq(hook.callbackError(), abi.encodeWithSelector(V4Legs.V4UnexpectedCallback.selector, hookAddress));
        assertEq(hook.executeError(), abi.encodeWithSelector(Executor.Reentered.selector));
    }

    function _impostorRun(ImpostorPoolManager.Mode mode, bytes memory expected) internal {
        ImpostorPoolManager impostor = new ImpostorPoolManager();
        impostor.setMode(mode);
        vm.prank(owner);
        executor.setPoolManager(address(impostor));
        bytes memory plan = _planLegs(false, AMOUNT_IN, 0, _cycleV2V4());
        uint256 before = _wethOf(address(executor));
        vm.prank(operator);
        vm.expectRevert(expected);
        executor.execute(plan);
        assertEq(_wethOf(address(executor)), before);
    }

    function test_unlockCallback_forgedDataReverts() public {
        // The impostor's address is only known once deployed: the next CREATE from this test contract.
        address impostor = vm.computeCreateAddress(address(this), vm.getNonce(address(this)));
        _impostorRun(ImpostorPoolManager.Mode.ForgeData, abi.encodeWithSelector(V4Legs.V4UnexpectedCallback.selector, impostor));
    }

    function test_unlockCallback_secondCallbackInOneUnlockReverts() public {
        address impostor = vm.computeCreateAddress(address(this), vm.getNonce(address(this)));
        _impostorRun(ImpostorPoolManager.Mode.CallbackTwice, abi.encodeWithSelector(V4Legs.V4UnexpectedCallback.selector, impostor));
    }

    function test_swapV4_claimInWrongCurrencyReverts() public {
        _impostorRun(
            ImpostorPoolManager.Mode.WrongCurrency,
            abi.encodeWithSelector(V4Legs.V4ClaimInWrongCurrency.selector, int256(AMOUNT_IN_USDC()), -int256(AMOUNT_IN_USDC()))
        );
    }

    function test_swapV4_claimAboveInputReverts() public {
        _impostorRun(
            ImpostorPoolManager.Mode.AboveOwed,
            abi.encodeWithSelector(V4Legs.V4ClaimAboveOwed.selector, AMOUNT_IN_USDC() + 1, AMOUNT_IN_USDC())
        );
    }

    /// @dev An output promised and never paid is caught by the profit check: the whole input is lost, so it reverts.
    function test_swapV4_unpaidOutputReverts() public {
        _impostorRun(
            ImpostorPoolManager.Mode.NeverPays,
            abi.encodeWithSelector(Executor.InsufficientProfit.selector, -int256(AMOUNT_IN), uint256(0))
        );
    }

    function test_receive_ethFromPoolManagerOutsideUnlockReverts() public {
        vm.deal(poolManager, 1 ether);
        vm.prank(poolManager);
        (bool ok, bytes memory reason) = address(executor).call{value: 1 ether}("");
        assertFalse(ok);
        assertEq(reason, abi.encodeWithSelector(Executor.EthNotAccepted.selector));
    }

    /// @dev The V2 first hop's output: what the V4 hop is asked to swap.
    function AMOUNT_IN_USDC() internal returns (uint256) {
        return _quote(address(uniRouter), address(weth), usdc, 0, AMOUNT_IN);
    }
}

/// @notice Unlocks the PoolManager itself and, in its own callback, calls the executor's.
contract Unlocker {
    IUnlockCallbackTarget internal immutable executor;
    bytes internal data;

    constructor(IUnlockCallbackTarget executor_, bytes memory data_) {
        executor = executor_;
        data = data_;
    }

    function unlock(address poolManager) external {
        IV4PoolManagerFull(poolManager).unlock("");
    }

    function unlockCallback(bytes calldata) external returns (bytes memory) {
        return executor.unlockCallback(data);
    }
}
