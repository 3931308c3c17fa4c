// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ExecutorSizedLegsBase} from "./ExecutorSizedLegsBase.sol";
import {Executor} from "../../src/Executor.sol";

/// @notice `executeSizedLegs`: one leg per pool and direction a hidden victim may have traded; only the legs whose
///         pool's live state lies in their table trade. Expected profits come from the real periphery's quotes on
///         the same state (Router02, QuoterV2), inputs from the WETH Transfer logs, never from the executor's math.
contract ExecutorSizedLegsTest is ExecutorSizedLegsBase {
    uint256 internal constant CEILING = 50 ether;
    uint256 internal constant INPUT = 3 ether;

    function _run(bytes[] memory plans, bytes[] memory sizings) internal returns (int256 gain) {
        uint256 before = _wethOf(address(executor));
        vm.prank(operator);
        executor.executeSizedLegs(plans, sizings);
        gain = int256(_wethOf(address(executor))) - int256(before);
    }

    /// @dev `caller` runs executeSizedLegs; it must revert with exactly `reason` and move no WETH, USDC or ETH.
    function _assertRefused(bytes[] memory plans, bytes[] memory sizings, bytes memory reason) internal {
        (uint256 wethBefore, uint256 usdcBefore, uint256 coinbaseBefore) =
            (_wethOf(address(executor)), _usdcOf(address(executor)), builder.balance);
        vm.prank(operator);
        (bool ok, bytes memory returned) = address(executor).call(abi.encodeCall(executor.executeSizedLegs, (plans, sizings)));
        assertFalse(ok, "the call ran");
        assertEq(returned, reason, "revert reason");
        assertEq(_wethOf(address(executor)), wethBefore, "WETH holdings changed");
        assertEq(_usdcOf(address(executor)), usdcBefore, "USDC holdings changed");
        assertEq(builder.balance, coinbaseBefore, "builder paid");
    }

    /// @dev Both directions of one pool, tables on the two sides of its pre-victim key; the victim (buying or
    ///      selling WETH on `pool`) moves the key into one table: that leg alone trades, exactly INPUT.
    function _onlyVictimSideTrades(address pool, bool v3, HopSpec[] memory afterBuy, HopSpec[] memory afterSell, bool victimBuys)
        internal
    {
        bytes[] memory plans = _two(_legPlan(afterBuy, CEILING, 0, 0), _legPlan(afterSell, CEILING, 0, 0));
        bytes[] memory sizings = _two(
            _victimTable(pool, v3, afterBuy[0].pool == pool ? 0 : 1, true, 0, INPUT),
            _victimTable(pool, v3, afterSell[0].pool == pool ? 0 : 1, false, 0, INPUT)
        );
        if (victimBuys) _victimBuysWeth(pool, v3, VICTIM_WETH);
        else _victimSellsWeth(pool, v3, VICTIM_WETH);
        HopSpec[] memory trading = victimBuys ? afterBuy : afterSell;
        int256 predicted = _predictProfit(trading, INPUT);
        assertGt(predicted, 0);
        _recordInputs();
        int256 gain = _run(plans, sizings);
        (address[] memory to, uint256[] memory amount) = _inputs();
        assertEq(to.length, 1, "exactly one leg traded");
        assertEq(to[0], trading[0].pool);
        assertEq(amount[0], INPUT);
        assertEq(gain, predicted);
    }

    function test_executeSizedLegs_v2OnlyVictimSideLegTrades() public {
        uint256 snapshot = vm.snapshotState();
        _onlyVictimSideTrades(sushiWethUsdc, false, _legA(), _legB(), true);
        vm.revertToState(snapshot);
        _onlyVictimSideTrades(sushiWethUsdc, false, _legA(), _legB(), false);
    }

    function test_executeSizedLegs_v3OnlyVictimSideLegTrades() public {
        uint256 snapshot = vm.snapshotState();
        _onlyVictimSideTrades(v3WethUsdc3000, true, _legC(), _legD(), true);
        vm.revertToState(snapshot);
        _onlyVictimSideTrades(v3WethUsdc3000, true, _legC(), _legD(), false);
    }

    /// @dev Both directions of one pool, the victim's side first with a large input: its own backrun pushes the pool
    ///      back past the pre-victim key, into the other direction's table. That leg must still be skipped (the
    ///      tables describe the state the victim left, not one an earlier leg made): only A trades, and the gain is
    ///      A's alone, not A's less a losing reverse trade.
    function test_executeSizedLegs_earlierLegCannotTriggerLaterLegOnSamePool() public {
        bytes memory sizingA = _victimTable(sushiWethUsdc, false, 0, true, 0, 8 ether);
        bytes memory sizingB = _victimTable(sushiWethUsdc, false, 1, false, 0, INPUT);
        (uint256 preVictimKey, bool buyRaises) = (_keyOf(sushiWethUsdc, false), _buyRaisesKey(sushiWethUsdc, false));
        _victimBuysWeth(sushiWethUsdc, false, 5 ether);
        int256 predicted = _predictProfit(_legA(), 8 ether);
        assertGt(predicted, 0);
        // A alone would leave the pool on B's side of the pre-victim key (so B's table covers it).
        uint256 snapshot = vm.snapshotState();
        vm.prank(operator);
        executor.executeSized(_legPlan(_legA(), CEILING, 0, 0), sizingA);
        uint256 keyAfterA = _keyOf(sushiWethUsdc, false);
        assertTrue(buyRaises ? keyAfterA < preVictimKey : keyAfterA > preVictimKey, "A does not overshoot: no test");
        vm.revertToState(snapshot);
        _recordInputs();
        int256 gain = _run(_two(_legPlan(_legA(), CEILING, 0, 0), _legPlan(_legB(), CEILING, 0, 0)), _two(sizingA, sizingB));
        (address[] memory to, uint256[] memory amount) = _inputs();
        assertEq(to.length, 1, "the reverse leg traded too");
        assertEq(amount[0], 8 ether);
        assertEq(gain, predicted);
    }

    /// @dev Four legs (both directions of a V2 and of a V3 pool); a victim buys WETH on both pools: A and C trade,
    ///      B and D are skipped, and the gain is the sum of A's and C's profits (disjoint pools, so each is quoted
    ///      on the same state it runs on).
    function _fourLegs(uint256 shareBps, uint16 maxShareBps, uint256 minA, uint256 minC)
        internal
        returns (bytes[] memory plans, bytes[] memory sizings)
    {
        plans = _four(
            _legPlan(_legA(), CEILING, minA, maxShareBps),
            _legPlan(_legB(), CEILING, 0, maxShareBps),
            _legPlan(_legC(), CEILING, minC, maxShareBps),
            _legPlan(_legD(), CEILING, 0, maxShareBps)
        );
        sizings = _four(
            _victimTable(sushiWethUsdc, false, 0, true, shareBps, INPUT),
            _victimTable(sushiWethUsdc, false, 1, false, shareBps, INPUT),
            _victimTable(v3WethUsdc3000, true, 0, true, shareBps, 2 ether),
            _victimTable(v3WethUsdc3000, true, 1, false, shareBps, 2 ether)
        );
        _victimBuysWeth(sushiWethUsdc, false, VICTIM_WETH);
        _victimBuysWeth(v3WethUsdc3000, true, VICTIM_WETH);
    }

    function test_executeSizedLegs_twoPoolsBothTradeProfitIsSum() public {
        (bytes[] memory plans, bytes[] memory sizings) = _fourLegs(0, 0, 0, 0);
        int256 profitA = _predictProfit(_legA(), INPUT);
        int256 profitC = _predictProfit(_legC(), 2 ether);
        assertGt(profitA, 0);
        assertGt(profitC, 0);
        _recordInputs();
        int256 gain = _run(plans, sizings);
        (address[] memory to, uint256[] memory amount) = _inputs();
        assertEq(to.length, 2);
        assertEq(to[0], sushiWethUsdc);
        assertEq(amount[0], INPUT);
        assertEq(to[1], v3WethUsdc3000);
        assertEq(amount[1], 2 ether);
        assertEq(gain, profitA + profitC);
    }

    function test_executeSizedLegs_noLegInRangeRevertsNoOpportunity() public {
        // No victim: every table lies beside its pool's live key.
        bytes[] memory plans = _four(
            _legPlan(_legA(), CEILING, 0, 0), _legPlan(_legB(), CEILING, 0, 0), _legPlan(_legC(), CEILING, 0, 0), _legPlan(_legD(), CEILING, 0, 0)
        );
        bytes[] memory sizings = _four(
            _victimTable(sushiWethUsdc, false, 0, true, 0, INPUT),
            _victimTable(sushiWethUsdc, false, 1, false, 0, INPUT),
            _victimTable(v3WethUsdc3000, true, 0, true, 0, INPUT),
            _victimTable(v3WethUsdc3000, true, 1, false, 0, INPUT)
        );
        _assertRefused(plans, sizings, abi.encodeWithSelector(Executor.NoOpportunity.selector, 0));
        // In range but asking for 0, and a plan whose ceiling is 0: skipped the same way.
        sizings[0] = _liveTable(sushiWethUsdc, false, 0, 0, 0);
        plans[2] = _legPlan(_legC(), 0, 0, 0);
        sizings[2] = _liveTable(v3WethUsdc3000, true, 0, 0, INPUT);
        _assertRefused(plans, sizings, abi.encodeWithSelector(Executor.NoOpportunity.selector, 0));
    }

    function test_executeSizedLegs_mismatchedStartTokensRevertBadPlan() public {
        vm.prank(owner);
        executor.setStartToken(usdc, true);
        _give(usdc, address(executor), 100_000 ether);
        HopSpec[] memory usdcCycle = _two(
            _hop(uniWethUsdc, usdc, address(weth), false, 0, address(uniRouter)),
            _hop(sushiWethUsdc, address(weth), usdc, false, 0, address(sushiRouter))
        );
        // The first leg would trade: the refusal undoes it.
        bytes[] memory plans = _two(_legPlan(_legA(), CEILING, 0, 0), _legPlan(usdcCycle, 10_000 ether, 0, 0));
        bytes[] memory sizings =
            _two(_liveTable(sushiWethUsdc, false, 0, 0, INPUT), _liveTable(uniWethUsdc, false, 0, 0, 1_000 ether));
        _assertRefused(plans, sizings, abi.encodeWithSelector(Executor.BadPlan.selector));
        // Either order.
        _assertRefused(_two(plans[1], plans[0]), _two(sizings[1], sizings[0]), abi.encodeWithSelector(Executor.BadPlan.selector));
    }

    function test_executeSizedLegs_mismatchedSharesRevertBadSizing() public {
        bytes[] memory plans = _two(_legPlan(_legA(), CEILING, 0, 5_000), _legPlan(_legC(), CEILING, 0, 5_000));
        bytes[] memory sizings =
            _two(_liveTable(sushiWethUsdc, false, 0, 1_000, INPUT), _liveTable(v3WethUsdc3000, true, 0, 1_001, INPUT));
        _assertRefused(plans, sizings, abi.encodeWithSelector(Executor.BadSizing.selector));
        // Shares differ though the second leg is out of range (it would be skipped): still refused.
        sizings[1] = _sideTable(v3WethUsdc3000, true, 0, true, 0, INPUT);
        _assertRefused(plans, sizings, abi.encodeWithSelector(Executor.BadSizing.selector));
    }

    function test_executeSizedLegs_badLegCountsRevertBadSizing() public {
        bytes memory plan = _legPlan(_legA(), CEILING, 0, 0);
        bytes memory sizing = _liveTable(sushiWethUsdc, false, 0, 0, INPUT);
        bytes memory badSizing = abi.encodeWithSelector(Executor.BadSizing.selector);
        // Lengths differ, either way.
        bytes[] memory one = new bytes[](1);
        one[0] = plan;
        bytes[] memory oneSizing = new bytes[](1);
        oneSizing[0] = sizing;
        _assertRefused(one, _two(sizing, sizing), badSizing);
        _assertRefused(_two(plan, plan), oneSizing, badSizing);
        // No legs.
        _assertRefused(new bytes[](0), new bytes[](0), badSizing);
        // Nine legs (MAX_SIZED_LEGS + 1), every one valid.
        assertEq(executor.MAX_SIZED_LEGS(), 8);
        bytes[] memory plans = new bytes[](9);
        bytes[] memory sizings = new bytes[](9);
        for (uint256 i; i < 9; ++i) (plans[i], sizings[i]) = (plan, _sizing(sushiWethUsdc, 0, 0, _pair(1, type(uint160).max), _pair(0.25 ether, 0.25 ether)));
        _assertRefused(plans, sizings, badSizing);
    }

    function test_executeSizedLegs_eightLegsRun() public {
        // The most legs a call may carry: each the same cycle at 0.25 WETH over the whole key range, so all trade.
        bytes memory plan = _legPlan(_legA(), CEILING, 0, 0);
        bytes[] memory plans = new bytes[](8);
        bytes[] memory sizings = new bytes[](8);
        for (uint256 i; i < 8; ++i) (plans[i], sizings[i]) = (plan, _sizing(sushiWethUsdc, 0, 0, _pair(1, type(uint160).max), _pair(0.25 ether, 0.25 ether)));
        // Eight 0.25 WETH cycles in a row equal one 2 WETH cycle through the same two pairs, up to rounding.
        int256 predicted = _predictProfit(_legA(), 2 ether);
        _recordInputs();
        int256 gain = _run(plans, sizings);
        (address[] memory to, uint256[] memory amount) = _inputs();
        assertEq(to.length, 8);
        for (uint256 i; i < 8; ++i) {
            assertEq(to[i], sushiWethUsdc);
            assertEq(amount[i], 0.25 ether);
        }
        assertGt(gain, 0);
        assertApproxEqRel(gain, predicted, 0.01e18);
    }

    /// @dev Leg A trades (profit p), leg B is skipped; each plan's own floor is met (A's is p, B's 1 wei, and B made
    ///      nothing) but the call's floor is their sum: p + 1 > p is refused, p - 1 + 1 runs.
    function test_executeSizedLegs_floorIsSumOfMinProfits() public {
        bytes memory sizingA = _victimTable(sushiWethUsdc, false, 0, true, 0, INPUT);
        bytes memory sizingB = _victimTable(sushiWethUsdc, false, 1, false, 0, INPUT);
        _victimBuysWeth(sushiWethUsdc, false, VICTIM_WETH);
        uint256 profit = uint256(_predictProfit(_legA(), INPUT));
        bytes[] memory sizings = _two(sizingA, sizingB);
        _assertRefused(
            _two(_legPlan(_legA(), CEILING, profit, 0), _legPlan(_legB(), CEILING, 1, 0)),
            sizings,
            abi.encodeWithSelector(Executor.InsufficientProfit.selector, int256(profit), profit + 1)
        );
        // The same leg alone, with its own floor, runs: the refusal above came from the sum.
        uint256 snapshot = vm.snapshotState();
        vm.prank(operator);
        executor.executeSized(_legPlan(_legA(), CEILING, profit, 0), sizingA);
        vm.revertToState(snapshot);
        int256 gain = _run(_two(_legPlan(_legA(), CEILING, profit - 1, 0), _legPlan(_legB(), CEILING, 1, 0)), sizings);
        assertEq(gain, int256(profit));
    }

    /// @dev With a share, the floor holds for what is left after the builder's share of the whole profit.
    function test_executeSizedLegs_floorAppliesAfterShareOfTotal() public {
        (bytes[] memory plans, bytes[] memory sizings) = _fourLegs(2_500, 5_000, 0, 0);
        uint256 gross = uint256(_predictProfit(_legA(), INPUT) + _predictProfit(_legC(), 2 ether));
        uint256 kept = gross - gross * 2_500 / 10_000;
        // One wei above what is kept, split over the two trading legs' plans.
        plans[0] = _legPlan(_legA(), CEILING, kept / 2, 5_000);
        plans[2] = _legPlan(_legC(), CEILING, kept - kept / 2 + 1, 5_000);
        _assertRefused(plans, sizings, abi.encodeWithSelector(Executor.InsufficientProfit.selector, int256(gross), kept + 1 + gross * 2_500 / 10_000));
        plans[2] = _legPlan(_legC(), CEILING, kept - kept / 2, 5_000);
        assertEq(_run(plans, sizings), int256(kept));
    }

    /// @dev The builder gets the share of the call's whole realised profit, once, exactly (not the sum of per-leg
    ///      shares, which rounds differently), in ETH to block.coinbase.
    function test_executeSizedLegs_paysShareOfTotalProfitOnce() public {
        (bytes[] memory plans, bytes[] memory sizings) = _fourLegs(3_333, 5_000, 0, 0);
        uint256 profitA = uint256(_predictProfit(_legA(), INPUT));
        uint256 profitC = uint256(_predictProfit(_legC(), 2 ether));
        uint256 payment = (profitA + profitC) * 3_333 / 10_000;
        uint256 coinbaseBefore = builder.balance;
        uint256 wethSupplyBefore = address(weth).balance;
        int256 gain = _run(plans, sizings);
        assertEq(builder.balance - coinbaseBefore, payment);
        assertEq(wethSupplyBefore - address(weth).balance, payment, "paid once, unwrapped from WETH");
        assertEq(gain, int256(profitA + profitC - payment));
        assertGt(payment, 0);
    }

    function test_executeSizedLegs_legAboveAmountInIsCapped() public {
        (bytes[] memory plans, bytes[] memory sizings) = _fourLegs(0, 0, 0, 0);
        // A's table asks 100 WETH, its plan allows 4; C's asks 2 under a ceiling of 50.
        plans[0] = _legPlan(_legA(), 4 ether, 0, 0);
        sizings[0] = _sizing(sushiWethUsdc, 0, 0, _pair(1, type(uint160).max), _pair(100 ether, 100 ether));
        int256 profitA = _predictProfit(_legA(), 4 ether);
        int256 profitC = _predictProfit(_legC(), 2 ether);
        _recordInputs();
        int256 gain = _run(plans, sizings);
        (address[] memory to, uint256[] memory amount) = _inputs();
        assertEq(to.length, 2);
        assertEq(to[0], sushiWethUsdc);
        assertEq(amount[0], 4 ether);
        assertEq(to[1], v3WethUsdc3000);
        assertEq(amount[1], 2 ether);
        assertEq(gain, profitA + profitC);
    }
}
