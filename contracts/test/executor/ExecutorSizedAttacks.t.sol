// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ExecutorSizedBase} from "./ExecutorSizedBase.sol";
import {Executor} from "../../src/Executor.sol";
import {IERC20Like} from "../utils/UniswapFixture.sol";

/// @notice A builder whose coinbase tries to re-enter both entry points when paid.
contract ReenteringSizedCoinbase {
    Executor internal immutable executor;
    bytes internal plan;
    bytes internal sizing;
    uint256 public attempts;
    uint256 public successes;

    constructor(Executor executor_) {
        executor = executor_;
    }

    function arm(bytes calldata plan_, bytes calldata sizing_) external {
        (plan, sizing) = (plan_, sizing_);
    }

    receive() external payable {
        attempts += 2;
        try executor.executeSized(plan, sizing) {
            successes++;
        } catch {}
        try executor.execute(plan) {
            successes++;
        } catch {}
    }
}

/// @notice Who may call `executeSized` and with what: strangers, re-entry, malformed and hostile tables, and a
///         stolen operator key. Every refused call leaves the executor's holdings as they were.
contract ExecutorSizedAttacksTest is ExecutorSizedBase {
    uint256 internal constant CEILING = 5 ether; // near this cycle's optimum: it profits
    uint256 internal constant USDC_HOLDINGS = 100_000 ether;
    address internal attacker = makeAddr("attacker");

    function setUp() public override {
        super.setUp();
        _give(usdc, address(executor), USDC_HOLDINGS);
    }

    function _usdcOf(address account) internal view returns (uint256) {
        return IERC20Like(usdc).balanceOf(account);
    }

    function _validSizing(uint256 shareBps) internal view returns (bytes memory) {
        uint256 key = _keyOf(sushiWethUsdc, false);
        return _sizing(sushiWethUsdc, 0, shareBps, _pair(key - 1, key + 1), _pair(5 ether, 5 ether));
    }

    function _sizedPlan(uint16 maxShareBps) internal view returns (bytes memory) {
        return _plan(false, block.number, CEILING, 0, 0, maxShareBps, _v2v2());
    }

    /// @dev `caller` runs executeSized; it must revert with exactly `reason` (or its selector when 4 bytes) and
    ///      change neither WETH nor USDC holdings.
    function _assertRefused(address caller, bytes memory plan, bytes memory sizing, bytes memory reason) internal {
        (uint256 wethBefore, uint256 usdcBefore) = (_wethOf(address(executor)), _usdcOf(address(executor)));
        vm.prank(caller);
        (bool ok, bytes memory returned) = address(executor).call(abi.encodeCall(executor.executeSized, (plan, sizing)));
        assertFalse(ok, "the call ran");
        if (reason.length == 4) assertEq(bytes4(returned), bytes4(reason), "revert selector");
        else assertEq(returned, reason, "revert reason");
        assertEq(_wethOf(address(executor)), wethBefore, "WETH holdings changed");
        assertEq(_usdcOf(address(executor)), usdcBefore, "USDC holdings changed");
    }

    function test_executeSized_nonOperatorReverts() public {
        _assertRefused(attacker, _sizedPlan(0), _validSizing(0), abi.encodeWithSelector(Executor.NotOperator.selector));
        _assertRefused(owner, _sizedPlan(0), _validSizing(0), abi.encodeWithSelector(Executor.NotOperator.selector));
    }

    function test_executeSized_wrongBlockReverts() public {
        bytes memory plan = _plan(false, block.number - 1, CEILING, 0, 0, 0, _v2v2());
        _assertRefused(operator, plan, _validSizing(0), abi.encodeWithSelector(Executor.WrongBlock.selector, block.number - 1, block.number));
    }

    function test_executeSized_coinbaseReentryFails() public {
        ReenteringSizedCoinbase coinbase = new ReenteringSizedCoinbase(executor);
        vm.prank(owner);
        executor.setOperator(address(coinbase), true); // even an operator cannot re-enter
        vm.coinbase(address(coinbase));
        bytes memory plan = _sizedPlan(5_000);
        bytes memory sizing = _validSizing(2_000);
        coinbase.arm(plan, sizing);
        uint256 gross = uint256(_predictProfit(_v2v2(), 5 ether));
        uint256 before = _wethOf(address(executor));
        vm.prank(operator);
        executor.executeSized(plan, sizing);
        assertEq(coinbase.attempts(), 2);
        assertEq(coinbase.successes(), 0);
        assertEq(address(coinbase).balance, gross * 2_000 / 10_000);
        assertEq(_wethOf(address(executor)) - before, gross - gross * 2_000 / 10_000);
    }

    function test_executeSized_sizingPoolNotInPlanReverts() public {
        // A real, registered pool, but not the one the named hop swaps in.
        uint256 key = _keyOf(uniWethDai, false);
        bytes memory sizing = _sizing(uniWethDai, 0, 0, _pair(key - 1, key + 1), _pair(5 ether, 5 ether));
        _assertRefused(operator, _sizedPlan(0), sizing, abi.encodeWithSelector(Executor.SizingPoolNotInPlan.selector, uniWethDai));
        // The plan's other pool, named with the wrong hop index.
        key = _keyOf(uniWethUsdc, false);
        sizing = _sizing(uniWethUsdc, 0, 0, _pair(key - 1, key + 1), _pair(5 ether, 5 ether));
        _assertRefused(operator, _sizedPlan(0), sizing, abi.encodeWithSelector(Executor.SizingPoolNotInPlan.selector, uniWethUsdc));
        // An attacker's contract answering getReserves with whatever it likes.
        sizing = _sizing(attacker, 1, 0, _pair(0, type(uint160).max), _pair(5 ether, 5 ether));
        _assertRefused(operator, _sizedPlan(0), sizing, abi.encodeWithSelector(Executor.SizingPoolNotInPlan.selector, attacker));
        // A hop index past the plan's hops.
        sizing = _sizing(uniWethUsdc, 2, 0, _pair(key - 1, key + 1), _pair(5 ether, 5 ether));
        _assertRefused(operator, _sizedPlan(0), sizing, abi.encodeWithSelector(Executor.BadSizing.selector));
    }

    function test_executeSized_nonMonotoneKeysReverts() public {
        uint256 key = _keyOf(sushiWethUsdc, false);
        uint256[] memory keys = new uint256[](3);
        uint256[] memory amounts = new uint256[](3);
        (amounts[0], amounts[1], amounts[2]) = (1 ether, 2 ether, 3 ether);
        // Equal neighbours.
        (keys[0], keys[1], keys[2]) = (key - 1, key + 1, key + 1);
        _assertRefused(operator, _sizedPlan(0), _sizing(sushiWethUsdc, 0, 0, keys, amounts), abi.encodeWithSelector(Executor.BadSizing.selector));
        // Falling after the bracket that holds the live key (a lookup that stopped early would miss it).
        (keys[0], keys[1], keys[2]) = (key - 1, key + 1, key);
        _assertRefused(operator, _sizedPlan(0), _sizing(sushiWethUsdc, 0, 0, keys, amounts), abi.encodeWithSelector(Executor.BadSizing.selector));
        // Falling everywhere.
        (keys[0], keys[1], keys[2]) = (key + 1, key, key - 1);
        _assertRefused(operator, _sizedPlan(0), _sizing(sushiWethUsdc, 0, 0, keys, amounts), abi.encodeWithSelector(Executor.BadSizing.selector));
    }

    function test_executeSized_malformedLengthsRevert() public {
        bytes memory plan = _sizedPlan(0);
        bytes memory valid = _validSizing(0);
        bytes memory badSizing = abi.encodeWithSelector(Executor.BadSizing.selector);
        // Empty, header only, one byte short, one byte long.
        _assertRefused(operator, plan, "", badSizing);
        _assertRefused(operator, plan, _slice(valid, 24), badSizing);
        _assertRefused(operator, plan, _slice(valid, valid.length - 1), badSizing);
        _assertRefused(operator, plan, abi.encodePacked(valid, uint8(0)), badSizing);
        // A count that disagrees with the entries, one entry, too many entries.
        bytes memory lying = bytes.concat(valid);
        lying[23] = bytes1(uint8(3));
        _assertRefused(operator, plan, lying, badSizing);
        uint256 key = _keyOf(sushiWethUsdc, false);
        uint256[] memory one = new uint256[](1);
        one[0] = key;
        _assertRefused(operator, plan, _sizing(sushiWethUsdc, 0, 0, one, one), badSizing);
        uint256[] memory many = new uint256[](65);
        for (uint256 i; i < 65; ++i) many[i] = key - 32 + i;
        _assertRefused(operator, plan, _sizing(sushiWethUsdc, 0, 0, many, many), badSizing);
        // A malformed plan is refused as by `execute`.
        _assertRefused(operator, _slice(plan, plan.length - 1), valid, abi.encodeWithSelector(Executor.BadPlan.selector));
    }

    function test_executeSized_maxEntriesRuns() public {
        uint256 key = _keyOf(sushiWethUsdc, false);
        uint256[] memory keys = new uint256[](64);
        uint256[] memory amounts = new uint256[](64);
        for (uint256 i; i < 64; ++i) (keys[i], amounts[i]) = (key - 63 + i, 1 ether + i);
        uint256 before = _wethOf(sushiWethUsdc);
        vm.prank(operator);
        executor.executeSized(_sizedPlan(0), _sizing(sushiWethUsdc, 0, 0, keys, amounts));
        assertEq(_wethOf(sushiWethUsdc) - before, 1 ether + 63);
    }

    function test_executeSized_flashPlanReverts() public {
        bytes memory plan = _plan(true, block.number, CEILING, 0, 0, 0, _v2v2());
        _assertRefused(operator, plan, _validSizing(0), abi.encodeWithSelector(Executor.FlashPlanNotSizable.selector));
    }

    function test_executeSized_fixedBuilderPaymentReverts() public {
        bytes memory plan = _plan(false, block.number, CEILING, 0, 1, 5_000, _v2v2());
        _assertRefused(operator, plan, _validSizing(1_000), abi.encodeWithSelector(Executor.FixedBuilderPaymentInSizedPlan.selector));
    }

    function test_executeSized_shareWithNonWethStartTokenReverts() public {
        vm.prank(owner);
        executor.setStartToken(usdc, true);
        HopSpec[] memory hops = _two(
            _hop(uniWethUsdc, usdc, address(weth), false, 0, address(uniRouter)),
            _hop(sushiWethUsdc, address(weth), usdc, false, 0, address(sushiRouter))
        );
        uint256 key = _keyOf(uniWethUsdc, false);
        bytes memory sizing = _sizing(uniWethUsdc, 0, 100, _pair(key - 1, key + 1), _pair(1_000 ether, 1_000 ether));
        bytes memory plan = _plan(false, block.number, 10_000 ether, 0, 0, 5_000, hops);
        _assertRefused(operator, plan, sizing, abi.encodeWithSelector(Executor.BuilderPaymentNeedsWeth.selector));
    }

    /// @dev A stolen operator key: a table demanding 10,000 WETH, the largest share the owner allows, no profit
    ///      floor, and the attacker as block builder. The executor sends at most the plan's amountIn, keeps a
    ///      profit, and the attacker gets at most the owner's cap of it.
    function test_executeSized_stolenKeyHostileTableBounded() public {
        vm.coinbase(attacker);
        uint256 key = _keyOf(sushiWethUsdc, false);
        bytes memory sizing =
            _sizing(sushiWethUsdc, 0, MAX_BUILDER_SHARE_BPS, _pair(key - 1, key + 1), _pair(10_000 ether, 10_000 ether));
        bytes memory plan = _plan(false, block.number, CEILING, 0, 0, MAX_BUILDER_SHARE_BPS, _v2v2());
        uint256 gross = uint256(_predictProfit(_v2v2(), CEILING));
        (uint256 wethBefore, uint256 usdcBefore, uint256 poolBefore) =
            (_wethOf(address(executor)), _usdcOf(address(executor)), _wethOf(sushiWethUsdc));
        vm.prank(operator);
        executor.executeSized(plan, sizing);
        assertEq(_wethOf(sushiWethUsdc) - poolBefore, CEILING, "more than amountIn left the executor");
        assertEq(attacker.balance, gross * MAX_BUILDER_SHARE_BPS / 10_000);
        assertEq(_wethOf(address(executor)) - wethBefore, gross - gross * MAX_BUILDER_SHARE_BPS / 10_000);
        assertEq(_usdcOf(address(executor)), usdcBefore);
        // A ceiling past the optimum, so the input loses: the profit check refuses it.
        plan = _plan(false, block.number, 400 ether, 0, 0, MAX_BUILDER_SHARE_BPS, _v2v2());
        sizing = _sizing(sushiWethUsdc, 0, MAX_BUILDER_SHARE_BPS, _pair(0, type(uint160).max), _pair(10_000 ether, 10_000 ether));
        _assertRefused(operator, plan, sizing, abi.encodeWithSelector(Executor.InsufficientProfit.selector));
    }

    /// @dev Random tables (keys around the live one, any amounts), random victims moving the pool either way,
    ///      random ceilings and shares: whatever happens, the executor never ends with less WETH or USDC, never
    ///      sends more than amountIn into the cycle, and never pays the builder more than the plan's share of the
    ///      realised profit (itself at most the owner's cap). A refused call changes nothing.
    function testFuzz_executeSized_randomTablesNeverLoseOrOverpay(
        uint256 seed,
        uint256 victimSize,
        bool victimBuysWeth,
        uint256 ceiling,
        uint16 planShareBps,
        uint16 shareBps
    ) public {
        victimSize = bound(victimSize, 0, 300 ether);
        if (victimSize >= 1e12) { // a smaller victim buys nothing and the router refuses it
            if (victimBuysWeth) _victimV2(address(sushiRouter), usdc, address(weth), victimSize * 3_000);
            else _victimV2(address(sushiRouter), address(weth), usdc, victimSize);
        }
        ceiling = bound(ceiling, 1, 300 ether);
        planShareBps = uint16(bound(planShareBps, 0, MAX_BUILDER_SHARE_BPS));
        shareBps = uint16(bound(shareBps, 0, planShareBps));
        bytes memory sizing = _randomTable(seed, shareBps);
        bytes memory plan = _plan(false, block.number, ceiling, 0, 0, planShareBps, _v2v2());
        (uint256 wethBefore, uint256 usdcBefore, uint256 poolBefore, uint256 coinbaseBefore) =
            (_wethOf(address(executor)), _usdcOf(address(executor)), _wethOf(sushiWethUsdc), builder.balance);
        vm.prank(operator);
        (bool ok, bytes memory returned) =
            address(executor).call(abi.encodeCall(executor.executeSized, (plan, sizing)));
        if (!ok) {
            bytes4 reason = bytes4(returned);
            // The sized path's refusals, or a pair refusing a dust input (Error(string) "UniswapV2: INSUFFICIENT_...").
            assertTrue(
                reason == Executor.NoOpportunity.selector || reason == Executor.InsufficientProfit.selector
                    || reason == bytes4(keccak256("Error(string)")),
                "unexpected revert"
            );
            assertEq(_wethOf(address(executor)), wethBefore);
            assertEq(builder.balance, coinbaseBefore);
            return;
        }
        uint256 payment = builder.balance - coinbaseBefore;
        assertGe(_wethOf(address(executor)), wethBefore, "lost WETH");
        assertEq(_usdcOf(address(executor)), usdcBefore, "USDC moved");
        assertLe(_wethOf(sushiWethUsdc) - poolBefore, ceiling, "sent more than amountIn");
        uint256 gross = _wethOf(address(executor)) - wethBefore + payment;
        assertEq(payment, gross * shareBps / 10_000);
        assertLe(payment, gross * MAX_BUILDER_SHARE_BPS / 10_000);
    }

    /// @dev 2..8 entries from a little below the live key upward, random steps and amounts up to 400 WETH.
    function _randomTable(uint256 seed, uint256 shareBps) internal view returns (bytes memory) {
        uint256 count = bound(seed, 2, 8);
        uint256[] memory keys = new uint256[](count);
        uint256[] memory amounts = new uint256[](count);
        uint256 k = _keyOf(sushiWethUsdc, false) - bound(uint256(keccak256(abi.encode(seed, "start"))), 0, 50 ether);
        for (uint256 i; i < count; ++i) {
            keys[i] = k;
            amounts[i] = uint256(keccak256(abi.encode(seed, i))) % 400 ether;
            k += 1 + uint256(keccak256(abi.encode(seed, i, "step"))) % 30 ether;
        }
        return _sizing(sushiWethUsdc, 0, shareBps, keys, amounts);
    }

    function _slice(bytes memory data, uint256 length) internal pure returns (bytes memory out) {
        out = new bytes(length);
        for (uint256 i; i < length; ++i) out[i] = data[i];
    }
}
