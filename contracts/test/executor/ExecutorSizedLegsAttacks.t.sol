// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ExecutorSizedLegsBase} from "./ExecutorSizedLegsBase.sol";
import {Executor} from "../../src/Executor.sol";

interface IV3Callback {
    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata data) external;
}

interface IERC20Transfer {
    function transfer(address to, uint256 amount) external returns (bool);
}

/// @notice Tries every entry point of the executor again while one is running, and records each refusal.
contract LegsReenterer {
    Executor internal immutable executor;
    bytes[] internal plans;
    bytes[] internal sizings;
    uint256 public attempts;
    uint256 public successes;
    /// @dev How many of the refusals were exactly `Reentered()`.
    uint256 public reenteredRefusals;

    constructor(Executor executor_) {
        executor = executor_;
    }

    function arm(bytes[] calldata plans_, bytes[] calldata sizings_) external {
        delete plans;
        delete sizings;
        for (uint256 i; i < plans_.length; ++i) plans.push(plans_[i]);
        for (uint256 i; i < sizings_.length; ++i) sizings.push(sizings_[i]);
    }

    function attack() public {
        (bytes[] memory p, bytes[] memory s) = (plans, sizings);
        _try(abi.encodeCall(executor.executeSizedLegs, (p, s)));
        _try(abi.encodeCall(executor.executeSized, (p[0], s[0])));
        _try(abi.encodeCall(executor.execute, (p[0])));
    }

    function _try(bytes memory call) internal {
        attempts++;
        (bool ok, bytes memory returned) = address(executor).call(call);
        if (ok) successes++;
        else if (returned.length == 4 && bytes4(returned) == Executor.Reentered.selector) reenteredRefusals++;
    }

    /// @dev As block.coinbase: re-enter when paid.
    receive() external payable {
        attack();
    }
}

/// @notice Code to `vm.etch` over a real V3 pool (immutables only, so it keeps the pool's balances): when swapped
///         with it first has the reenterer try every entry point, then swaps honestly enough (claims the input it
///         was asked for, pays `payOut` of its output token) that the outer call can finish and keep the record.
contract ReenteringPool {
    address internal immutable token0;
    address internal immutable token1;
    LegsReenterer internal immutable reenterer;
    uint256 internal immutable payOut;

    constructor(address token0_, address token1_, LegsReenterer reenterer_, uint256 payOut_) {
        (token0, token1, reenterer, payOut) = (token0_, token1_, reenterer_, payOut_);
    }

    function swap(address recipient, bool zeroForOne, int256 amountSpecified, uint160, bytes calldata data)
        external
        returns (int256 amount0, int256 amount1)
    {
        reenterer.attack();
        (amount0, amount1) = zeroForOne ? (amountSpecified, -int256(payOut)) : (-int256(payOut), amountSpecified);
        IERC20Transfer(zeroForOne ? token1 : token0).transfer(recipient, payOut);
        IV3Callback(msg.sender).uniswapV3SwapCallback(amount0, amount1, data);
    }
}

/// @notice Who may call `executeSizedLegs` and with what: strangers, re-entry, a bad leg behind a good one, and a
///         stolen operator key with hostile tables. Every refused call leaves the executor's holdings as they were.
contract ExecutorSizedLegsAttacksTest is ExecutorSizedLegsBase {
    uint256 internal constant CEILING = 5 ether;
    uint256 internal constant USDC_HOLDINGS = 100_000 ether;
    address internal attacker = makeAddr("attacker");

    function setUp() public override {
        super.setUp();
        _give(usdc, address(executor), USDC_HOLDINGS);
    }

    /// @dev `caller` runs executeSizedLegs; it must revert with exactly `reason` (its selector when 4 bytes) and move
    ///      no WETH, USDC or ETH.
    function _assertRefused(address caller, bytes[] memory plans, bytes[] memory sizings, bytes memory reason) internal {
        (uint256 wethBefore, uint256 usdcBefore, uint256 coinbaseBefore) =
            (_wethOf(address(executor)), _usdcOf(address(executor)), block.coinbase.balance);
        vm.prank(caller);
        (bool ok, bytes memory returned) = address(executor).call(abi.encodeCall(executor.executeSizedLegs, (plans, sizings)));
        assertFalse(ok, "the call ran");
        if (reason.length == 4) assertEq(bytes4(returned), bytes4(reason), "revert selector");
        else assertEq(returned, reason, "revert reason");
        assertEq(_wethOf(address(executor)), wethBefore, "WETH holdings changed");
        assertEq(_usdcOf(address(executor)), usdcBefore, "USDC holdings changed");
        assertEq(block.coinbase.balance, coinbaseBefore, "builder paid");
    }

    /// @dev A first leg that trades on its own (so a refusal must undo a real trade) and a second leg to corrupt.
    function _goodLeg() internal view returns (bytes memory plan, bytes memory sizing) {
        plan = _legPlan(_legA(), CEILING, 0, 5_000);
        sizing = _liveTable(sushiWethUsdc, false, 0, 1_000, CEILING);
    }

    function _secondLegC(bytes memory plan) internal view returns (bytes[] memory plans, bytes[] memory sizings) {
        (bytes memory goodPlan, bytes memory goodSizing) = _goodLeg();
        plans = _two(goodPlan, plan);
        sizings = _two(goodSizing, _liveTable(v3WethUsdc3000, true, 0, 1_000, 2 ether));
    }

    function test_executeSizedLegs_goodLegsRun() public {
        // The baseline every attack below corrupts one part of: it runs.
        (bytes[] memory plans, bytes[] memory sizings) = _secondLegC(_legPlan(_legC(), CEILING, 0, 5_000));
        uint256 before = _wethOf(address(executor));
        vm.prank(operator);
        executor.executeSizedLegs(plans, sizings);
        assertGt(_wethOf(address(executor)), before);
        assertGt(builder.balance, 0);
    }

    function test_executeSizedLegs_nonOperatorReverts() public {
        (bytes[] memory plans, bytes[] memory sizings) = _secondLegC(_legPlan(_legC(), CEILING, 0, 5_000));
        bytes memory notOperator = abi.encodeWithSelector(Executor.NotOperator.selector);
        _assertRefused(attacker, plans, sizings, notOperator);
        _assertRefused(owner, plans, sizings, notOperator);
        _assertRefused(builder, plans, sizings, notOperator);
    }

    function test_executeSizedLegs_coinbaseReentryFails() public {
        LegsReenterer coinbase = new LegsReenterer(executor);
        vm.prank(owner);
        executor.setOperator(address(coinbase), true); // even an operator cannot re-enter
        vm.coinbase(address(coinbase));
        (bytes[] memory plans, bytes[] memory sizings) = _secondLegC(_legPlan(_legC(), CEILING, 0, 5_000));
        coinbase.arm(plans, sizings);
        uint256 gross = uint256(_predictProfit(_legA(), CEILING) + _predictProfit(_legC(), 2 ether));
        uint256 before = _wethOf(address(executor));
        vm.prank(operator);
        executor.executeSizedLegs(plans, sizings);
        assertEq(coinbase.attempts(), 3);
        assertEq(coinbase.successes(), 0);
        assertEq(coinbase.reenteredRefusals(), 3);
        assertEq(address(coinbase).balance, gross * 1_000 / 10_000);
        assertEq(_wethOf(address(executor)) - before, gross - gross * 1_000 / 10_000);
    }

    function test_executeSizedLegs_poolCallbackReentryFails() public {
        LegsReenterer reenterer = new LegsReenterer(executor);
        vm.prank(owner);
        executor.setOperator(address(reenterer), true);
        (bytes[] memory plans, bytes[] memory sizings) = _secondLegC(_legPlan(_legC(), CEILING, 0, 5_000));
        // The second leg keys on its real second pool; its first pool turns hostile (pays 3,100 USDC a WETH, so
        // the cycle still pays and the outer call keeps the reenterer's record).
        sizings[1] = _liveTable(v3WethUsdc500, true, 1, 1_000, 1 ether);
        reenterer.arm(plans, sizings);
        (address token0, address token1) = address(weth) < usdc ? (address(weth), usdc) : (usdc, address(weth));
        vm.etch(v3WethUsdc3000, address(new ReenteringPool(token0, token1, reenterer, 3_100 ether)).code);
        uint256 before = _wethOf(address(executor));
        vm.prank(operator);
        executor.executeSizedLegs(plans, sizings);
        assertEq(reenterer.attempts(), 3);
        assertEq(reenterer.successes(), 0);
        assertEq(reenterer.reenteredRefusals(), 3);
        assertGt(_wethOf(address(executor)), before);
    }

    function test_executeSizedLegs_secondLegSizingPoolNotInPlanReverts() public {
        (bytes[] memory plans, bytes[] memory sizings) = _secondLegC(_legPlan(_legC(), CEILING, 0, 5_000));
        // A real, registered pool, not in the second leg's plan (it is in the first's).
        sizings[1] = _liveTable(sushiWethUsdc, false, 0, 1_000, 2 ether);
        _assertRefused(operator, plans, sizings, abi.encodeWithSelector(Executor.SizingPoolNotInPlan.selector, sushiWethUsdc));
        // The plan's other pool under the wrong hop index.
        sizings[1] = _liveTable(v3WethUsdc500, true, 0, 1_000, 2 ether);
        _assertRefused(operator, plans, sizings, abi.encodeWithSelector(Executor.SizingPoolNotInPlan.selector, v3WethUsdc500));
        // An attacker's address answering whatever it likes.
        sizings[1] = _sizing(attacker, 1, 1_000, _pair(0, type(uint160).max), _pair(2 ether, 2 ether));
        _assertRefused(operator, plans, sizings, abi.encodeWithSelector(Executor.SizingPoolNotInPlan.selector, attacker));
    }

    function test_executeSizedLegs_flashPlanInAnyLegReverts() public {
        bytes memory flash = _plan(true, block.number, CEILING, 0, 0, 5_000, _legC());
        (bytes[] memory plans, bytes[] memory sizings) = _secondLegC(flash);
        bytes memory reason = abi.encodeWithSelector(Executor.FlashPlanNotSizable.selector);
        _assertRefused(operator, plans, sizings, reason);
        _assertRefused(operator, _two(plans[1], plans[0]), _two(sizings[1], sizings[0]), reason);
    }

    function test_executeSizedLegs_fixedBuilderPaymentInAnyLegReverts() public {
        bytes memory paying = _plan(false, block.number, CEILING, 0, 1, 5_000, _legC());
        (bytes[] memory plans, bytes[] memory sizings) = _secondLegC(paying);
        bytes memory reason = abi.encodeWithSelector(Executor.FixedBuilderPaymentInSizedPlan.selector);
        _assertRefused(operator, plans, sizings, reason);
        _assertRefused(operator, _two(plans[1], plans[0]), _two(sizings[1], sizings[0]), reason);
    }

    function test_executeSizedLegs_secondLegForAnotherBlockReverts() public {
        (bytes[] memory plans, bytes[] memory sizings) = _secondLegC(_plan(false, block.number - 1, CEILING, 0, 0, 5_000, _legC()));
        _assertRefused(operator, plans, sizings, abi.encodeWithSelector(Executor.WrongBlock.selector, block.number - 1, block.number));
        plans[1] = _plan(false, block.number + 1, CEILING, 0, 0, 5_000, _legC());
        _assertRefused(operator, plans, sizings, abi.encodeWithSelector(Executor.WrongBlock.selector, block.number + 1, block.number));
    }

    function test_executeSizedLegs_secondLegSharesAboveCapsRevert() public {
        // The same share in both tables, but the second plan allows less.
        (bytes[] memory plans, bytes[] memory sizings) = _secondLegC(_legPlan(_legC(), CEILING, 0, 999));
        _assertRefused(operator, plans, sizings, abi.encodeWithSelector(Executor.BuilderShareAbovePlanCap.selector, 1_000, 999));
        // The second plan states more than the owner allows.
        plans[1] = _legPlan(_legC(), CEILING, 0, MAX_BUILDER_SHARE_BPS + 1);
        _assertRefused(
            operator, plans, sizings, abi.encodeWithSelector(Executor.BuilderShareAboveOwnerCap.selector, MAX_BUILDER_SHARE_BPS + 1, MAX_BUILDER_SHARE_BPS)
        );
    }

    /// @dev A stolen operator key: 1..8 legs of the four kinds in any order, each with a random ceiling and a
    ///      random hostile table (keys around the live one, amounts up to 400 WETH), one random share up to the
    ///      owner's cap, no floor, the attacker as block builder, after random victims on both pools. Whatever
    ///      happens: the executor never ends with less WETH or USDC, each trading leg sends at most its own plan's
    ///      amountIn (matched to the legs in order from the WETH Transfer logs), and the attacker gets exactly the
    ///      share of the realised profit, at most the owner's cap of it. A refused call changes nothing.
    function testFuzz_executeSizedLegs_hostileTablesNeverLoseOrOverpay(
        uint256 seed,
        uint256 legs,
        int256 sushiVictim,
        int256 v3Victim,
        uint16 planShareBps,
        uint16 shareBps
    ) public {
        vm.coinbase(attacker);
        _randomVictim(sushiWethUsdc, false, sushiVictim);
        _randomVictim(v3WethUsdc3000, true, v3Victim);
        planShareBps = uint16(bound(planShareBps, 0, MAX_BUILDER_SHARE_BPS));
        shareBps = uint16(bound(shareBps, 0, planShareBps));
        HostileLegs memory l = _hostileLegs(seed, bound(legs, 1, 8), planShareBps, shareBps);
        (uint256 wethBefore, uint256 usdcBefore, uint256 coinbaseBefore) =
            (_wethOf(address(executor)), _usdcOf(address(executor)), attacker.balance);
        _recordInputs();
        vm.prank(operator);
        (bool ok, bytes memory returned) = address(executor).call(abi.encodeCall(executor.executeSizedLegs, (l.plans, l.sizings)));
        (address[] memory to, uint256[] memory amount) = _inputs();
        if (!ok) {
            bytes4 reason = bytes4(returned);
            // The sized path's refusals, or a pool refusing a dust input (Error(string)).
            assertTrue(
                reason == Executor.NoOpportunity.selector || reason == Executor.InsufficientProfit.selector
                    || reason == bytes4(keccak256("Error(string)")),
                "unexpected revert"
            );
            assertEq(_wethOf(address(executor)), wethBefore);
            assertEq(_usdcOf(address(executor)), usdcBefore);
            assertEq(attacker.balance, coinbaseBefore);
            return;
        }
        assertGe(_wethOf(address(executor)), wethBefore, "lost WETH");
        assertGe(_usdcOf(address(executor)), usdcBefore, "lost USDC");
        _assertInputsWithinCeilings(l, to, amount);
        uint256 payment = attacker.balance - coinbaseBefore;
        uint256 gross = _wethOf(address(executor)) - wethBefore + payment;
        assertEq(payment, gross * shareBps / 10_000);
        assertLe(payment, gross * MAX_BUILDER_SHARE_BPS / 10_000);
    }

    struct HostileLegs {
        bytes[] plans;
        bytes[] sizings;
        address[] firstPools;
        uint256[] ceilings;
    }

    /// @dev `legs` legs of random kinds (A..D), ceilings up to 300 WETH and hostile tables, one share for all.
    function _hostileLegs(uint256 seed, uint256 legs, uint16 planShareBps, uint16 shareBps)
        internal
        view
        returns (HostileLegs memory l)
    {
        (l.plans, l.sizings, l.firstPools, l.ceilings) = (new bytes[](legs), new bytes[](legs), new address[](legs), new uint256[](legs));
        for (uint256 i; i < legs; ++i) {
            uint256 h = uint256(keccak256(abi.encode(seed, i)));
            uint256 kind = h % 4;
            HopSpec[] memory hops = kind == 0 ? _legA() : kind == 1 ? _legB() : kind == 2 ? _legC() : _legD();
            (l.firstPools[i], l.ceilings[i]) = (hops[0].pool, bound(h >> 8, 1, 300 ether));
            l.plans[i] = _legPlan(hops, l.ceilings[i], 0, planShareBps);
            address keyed = kind < 2 ? sushiWethUsdc : v3WethUsdc3000;
            l.sizings[i] = _randomTable(h >> 80, keyed, kind >= 2, hops[0].pool == keyed ? 0 : 1, shareBps);
        }
    }

    /// @dev Each input belongs to a later leg than the one before, with the same first pool and a ceiling >= it
    ///      (greedy earliest match: it finds a match whenever one exists).
    function _assertInputsWithinCeilings(HostileLegs memory l, address[] memory to, uint256[] memory amount) internal pure {
        assertGt(to.length, 0, "ran without trading");
        assertLe(to.length, l.plans.length);
        uint256 leg;
        for (uint256 t; t < to.length; ++t) {
            while (leg < l.plans.length && (l.firstPools[leg] != to[t] || l.ceilings[leg] < amount[t])) leg++;
            assertLt(leg, l.plans.length, "an input above its leg's amountIn, or out of order");
            leg++;
        }
    }

    /// @dev Positive: a victim buys WETH worth that much; negative: sells that much; bounded to 100 WETH; dust skipped.
    function _randomVictim(address pool, bool v3, int256 size) internal {
        uint256 amount = bound(size < 0 ? uint256(-(size + 1)) : uint256(size), 0, 100 ether);
        if (amount < 1e12) return;
        if (size >= 0) _victimBuysWeth(pool, v3, amount);
        else _victimSellsWeth(pool, v3, amount);
    }

    /// @dev 2..8 entries from up to a tenth below the live key upward in random steps (up to a twentieth of it),
    ///      amounts up to 400 WETH.
    function _randomTable(uint256 seed, address pool, bool v3, uint256 hopIndex, uint256 shareBps) internal view returns (bytes memory) {
        uint256 count = bound(seed, 2, 8);
        uint256 key = _keyOf(pool, v3);
        uint256[] memory keys = new uint256[](count);
        uint256[] memory amounts = new uint256[](count);
        uint256 k = key - uint256(keccak256(abi.encode(seed, "start"))) % (key / 10);
        for (uint256 i; i < count; ++i) {
            keys[i] = k;
            amounts[i] = uint256(keccak256(abi.encode(seed, i))) % 400 ether;
            k += 1 + uint256(keccak256(abi.encode(seed, i, "step"))) % (key / 20);
        }
        return _sizing(pool, hopIndex, shareBps, keys, amounts);
    }
}
