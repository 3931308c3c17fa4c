// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ExecutorV4Base} from "./ExecutorV4Base.sol";
import {Executor} from "../../src/Executor.sol";
import {V4Key} from "../utils/V4Fixture.sol";
import {IERC20Like} from "../utils/UniswapFixture.sol";

/// @notice A stolen operator key against the V4 leg (see ExecutorStolenKey.t.sol for the rest): the attacker's own
///         hookless pool in the real PoolManager, a 100% fee pool, the native flag on the wrong hop, and a V4 loan
///         with minProfit 0. Every plan reverts and every holding of the executor (WETH, USDC, DAI) is unchanged.
contract ExecutorV4StolenKeyTest is ExecutorV4Base {
    uint256 internal constant AMOUNT_IN = 5 ether;
    uint256 internal constant OTHER_HOLDINGS = 100_000 ether;
    /// @dev v4-core's LPFeeLibrary.MAX_LP_FEE: the whole input is the fee.
    uint24 internal constant FULL_FEE = 1_000_000;

    address internal fake;
    /// @dev FAKE/WETH, no hooks, made by the attacker (two fee tiers): FAKE worth a millionth of a WETH.
    V4Key internal attackerPool;
    V4Key internal attackerPool2;

    function setUp() public override {
        super.setUp();
        _give(usdc, address(executor), OTHER_HOLDINGS);
        _give(dai, address(executor), OTHER_HOLDINGS);
        fake = _token("FAKE");
        _give(fake, address(this), 1e30);
        (address a, address b) = fake < address(weth) ? (fake, address(weth)) : (address(weth), fake);
        (uint256 num, uint256 den) = a == fake ? (uint256(1), uint256(1_000_000)) : (uint256(1_000_000), uint256(1));
        attackerPool = _v4Pool(a, b, 3000, 60, num, den, uint128(_sqrt(1_000_000 ether * 1 ether)));
        attackerPool2 = _v4Pool(a, b, 10_000, 200, num, den, uint128(_sqrt(1_000_000 ether * 1 ether)));
    }

    function _holdings() internal view returns (uint256[3] memory) {
        return [_wethOf(address(executor)), IERC20Like(usdc).balanceOf(address(executor)), IERC20Like(dai).balanceOf(address(executor))];
    }

    function _assertStolenKeyFails(bytes memory plan, bytes memory reason) internal {
        uint256[3] memory before = _holdings();
        vm.prank(operator);
        (bool ok, bytes memory returned) = address(executor).call(abi.encodeCall(executor.execute, (plan)));
        assertFalse(ok, "the stolen key's plan ran");
        assertEq(returned, reason, "revert reason");
        uint256[3] memory afterwards = _holdings();
        for (uint256 i; i < 3; ++i) assertEq(afterwards[i], before[i], "a holding changed");
        assertEq(address(executor).balance, 0);
    }

    /// @dev WETH sold into one attacker pool for FAKE and bought back in the other: the pools keep the difference,
    ///      so the start token's balance falls by what the real V4Quoter says and the profit check refuses it.
    function _attackerCycle() internal view returns (Leg[] memory) {
        return _legs2(_v4Leg(attackerPool, address(weth), fake), _v4Leg(attackerPool2, fake, address(weth)));
    }

    function test_execute_v4AttackerHooklessPoolReverts() public {
        Leg[] memory legs = _attackerCycle();
        int256 loss = _predictLegs(legs, AMOUNT_IN);
        assertLt(loss, 0);
        _assertStolenKeyFails(
            _planLegs(false, AMOUNT_IN, 0, legs), abi.encodeWithSelector(Executor.InsufficientProfit.selector, loss, uint256(0))
        );
    }

    /// @dev The same through a V4 loan (flash | 32) with minProfit 0: the loan is repaid, the loss still refused.
    function test_execute_v4LoanThroughAttackerPoolReverts() public {
        Leg[] memory legs = _attackerCycle();
        int256 loss = _predictLegs(legs, AMOUNT_IN);
        assertLt(loss, 0);
        _assertStolenKeyFails(
            _planLegsWithFlags(1 | 32, AMOUNT_IN, 0, legs),
            abi.encodeWithSelector(Executor.InsufficientProfit.selector, loss, uint256(0))
        );
    }

    /// @dev A pool whose fee is the whole input pays nothing out: the USDC the V2 hop bought is gone, refused.
    function test_execute_v4FullFeePoolReverts() public {
        (address a, address b) = address(weth) < usdc ? (address(weth), usdc) : (usdc, address(weth));
        (uint256 num, uint256 den) = a == address(weth) ? (uint256(2900), uint256(1)) : (uint256(1), uint256(2900));
        V4Key memory key = _v4Pool(a, b, FULL_FEE, 10, num, den, uint128(_sqrt(800 ether * 2_320_000 ether)));
        Leg[] memory legs = _legs2(_v2Leg(uniWethUsdc, address(uniRouter), address(weth), usdc), _v4Leg(key, usdc, address(weth)));
        _assertStolenKeyFails(
            _planLegs(false, AMOUNT_IN, 0, legs),
            abi.encodeWithSelector(Executor.InsufficientProfit.selector, -int256(AMOUNT_IN), uint256(0))
        );
    }

    /// @dev The native flag on the WETH/USDC hop names an ETH/USDC pool with that hop's fee and spacing, which does
    ///      not exist: the PoolManager refuses it; no ETH is unwrapped or left behind.
    function test_execute_v4NativeFlagOnWethPoolReverts() public {
        Leg[] memory legs = _cycleV2V4();
        legs[1].native = true;
        legs[1].key.currency0 = address(0);
        legs[1].key.currency1 = usdc;
        _assertStolenKeyFails(_planLegs(false, AMOUNT_IN, 0, legs), abi.encodeWithSignature("PoolNotInitialized()"));
    }

    /// @dev A native V4 loan (flash | 32 | 64) needs WETH as the start token: with USDC (allowed by the owner) it
    ///      is BadPlan before anything is borrowed.
    function test_execute_v4NativeLoanWithOtherStartTokenReverts() public {
        vm.prank(owner);
        executor.setStartToken(usdc, true);
        Leg[] memory legs = _legs2(_v4Leg(v4WethUsdc, usdc, address(weth)), _v2Leg(uniWethUsdc, address(uniRouter), address(weth), usdc));
        _assertStolenKeyFails(_planLegsWithFlags(1 | 32 | 64, AMOUNT_IN, 0, legs), abi.encodeWithSelector(Executor.BadPlan.selector));
    }
}
