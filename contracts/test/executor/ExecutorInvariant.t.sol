// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {ExecutorBase} from "./ExecutorBase.sol";
import {Executor} from "../../src/Executor.sol";
import {IV2PairFull, IWETH9} from "../utils/UniswapFixture.sol";
import {MaliciousPool} from "../utils/RoguePools.sol";
import {StandardToken} from "../../src/devnet/StandardToken.sol";

/// @notice What a stolen operator key can name in a plan: tokens, pool sources (registered factories, an
///         unregistered address, the attacker's own pool) and fees.
struct ForgeryParts {
    address[4] tokens; // WETH, two real tokens, the attacker's fake token
    address[4] sources; // Uniswap V2 and V3 factories, a pool named as a factory, the attacker's pool
    MaliciousPool attackerPool;
}

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
    uint256 public operatorAttempts;
    uint256 public forgedPlansRun;
    uint256 public sizedAttempts;
    uint256 public sizedSuccesses;
    uint256 public forgedSizedAttempts;
    uint256 public legsAttempts;
    uint256 public legsSuccesses;
    uint256 public forgedLegsAttempts;
    ForgeryParts internal parts;
    /// @dev The profitable cycle's reverse (WETH -> USDC on `pair`, back on the other pair): the leg for a victim
    ///      moving the pair the other way.
    bytes internal reversePlan;

    constructor(
        Executor executor_,
        IWETH9 weth_,
        address owner_,
        address operator_,
        address pair_,
        bytes memory plan_,
        bytes memory reversePlan_,
        ForgeryParts memory parts_
    ) {
        executor = executor_;
        weth = weth_;
        owner = owner_;
        operator = operator_;
        pair = pair_;
        profitablePlan = plan_;
        reversePlan = reversePlan_;
        parts = parts_;
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
        operatorAttempts++;
        vm.prank(operator);
        try executor.execute(profitablePlan) {
            operatorSuccesses++;
        } catch {}
    }

    function operatorRunsForgedPlan(uint256 seed, uint256 amountIn, bool flash) external {
        bytes memory plan = _forgedPlan(seed, amountIn, flash);
        vm.prank(operator);
        try executor.execute(plan) {
            forgedPlansRun++;
        } catch {}
    }

    /// @dev The stolen key's plan through `executeSized`, with a sizing table that names any of the forgery's
    ///      sources (the attacker's pool included) at any hop and asks for anything over the whole key range.
    function operatorRunsForgedSizedPlan(uint256 seed, uint256 amountIn, uint256 tableAmount, uint16 shareBps) external {
        bytes memory plan = _forgedPlan(seed, amountIn, false);
        bytes memory sizing = abi.encodePacked(
            parts.sources[(seed >> 128) % 4], uint8((seed >> 136) % 3), uint16(bound(shareBps, 0, 10_000)), uint8(2),
            uint160(0), uint128(bound(tableAmount, 1, type(uint128).max)), type(uint160).max, uint128(tableAmount)
        );
        forgedSizedAttempts++;
        vm.prank(operator);
        try executor.executeSized(plan, sizing) {
            forgedPlansRun++;
        } catch {}
    }

    /// @dev The operator's profitable cycle through `executeSized`, keyed on the second hop's pair with a random
    ///      table around its live reserve0 (never asking for 0, so the first try trades) and a random builder share.
    function operatorExecutesSized(uint256 below, uint256 above, uint256 amount0, uint256 amount1, uint16 shareBps) external {
        (uint112 reserve0,,) = IV2PairFull(pair).getReserves();
        below = bound(below, 0, reserve0 / 10);
        above = bound(above, 1, reserve0 / 10);
        shareBps = uint16(bound(shareBps, 0, 9_000));
        bytes memory plan = _withShare(profitablePlan, shareBps);
        bytes memory sizing = abi.encodePacked(
            pair, uint8(1), shareBps, uint8(2), uint160(reserve0 - below), uint128(bound(amount0, 1 ether, 50 ether)),
            uint160(reserve0 + above), uint128(bound(amount1, 1 ether, 50 ether))
        );
        sizedAttempts++;
        vm.prank(operator);
        try executor.executeSized(plan, sizing) {
            sizedSuccesses++;
        } catch {}
    }

    function strangerExecutesSized(uint256 seed, bytes calldata plan, bytes calldata sizing) external {
        vm.prank(_stranger(seed));
        strangerAttempts++;
        try executor.executeSized(plan, sizing) {
            strangerSuccesses++;
        } catch {}
    }

    /// @dev The operator's `executeSizedLegs` for a victim of hidden direction on `pair`: the profitable cycle keyed
    ///      on `pair` (hop 1) with a random table around its live reserve0, and the reverse cycle keyed on `pair`
    ///      (hop 0) either out of its table, or in it with a small input (so the first try still pays); either order,
    ///      one random share.
    function operatorExecutesSizedLegs(uint256 below, uint256 above, uint256 amount, uint256 reverseAmount, uint16 shareBps, bool reverseFirst, bool reverseTrades)
        external
    {
        (uint112 reserve0,,) = IV2PairFull(pair).getReserves();
        below = bound(below, 0, reserve0 / 10);
        above = bound(above, 1, reserve0 / 10);
        shareBps = uint16(bound(shareBps, 0, 9_000));
        bytes memory forward = abi.encodePacked(
            pair, uint8(1), shareBps, uint8(2), uint160(reserve0 - below), uint128(bound(amount, 1 ether, 50 ether)),
            uint160(reserve0 + above), uint128(bound(amount >> 128, 1 ether, 50 ether))
        );
        (uint160 lo, uint160 hi) = reverseTrades ? (uint160(reserve0 - below), uint160(reserve0 + above)) : (uint160(reserve0 / 4), uint160(reserve0 / 2));
        uint128 small = uint128(bound(reverseAmount, 1, 0.1 ether));
        bytes memory reverse = abi.encodePacked(pair, uint8(0), shareBps, uint8(2), lo, small, hi, small);
        bytes[] memory plans = new bytes[](2);
        bytes[] memory sizings = new bytes[](2);
        (plans[0], plans[1]) = (_withShare(profitablePlan, shareBps), _withShare(reversePlan, shareBps));
        (sizings[0], sizings[1]) = (forward, reverse);
        if (reverseFirst) (plans[0], plans[1], sizings[0], sizings[1]) = (plans[1], plans[0], sizings[1], sizings[0]);
        lastLegsPlans = plans;
        lastLegsSizings = sizings;
        legsAttempts++;
        vm.prank(operator);
        try executor.executeSizedLegs(plans, sizings) {
            legsSuccesses++;
        } catch {}
    }

    bytes[] internal lastLegsPlans;
    bytes[] internal lastLegsSizings;

    /// @dev The stolen key's plans through `executeSizedLegs`: 1..8 forged legs, each with a table naming any of the
    ///      forgery's sources at any hop over the whole key range, one share for all.
    function operatorRunsForgedSizedLegs(uint256 seed, uint256 legs, uint256 amountIn, uint256 tableAmount, uint16 shareBps)
        external
    {
        legs = bound(legs, 1, 8);
        bytes[] memory plans = new bytes[](legs);
        bytes[] memory sizings = new bytes[](legs);
        shareBps = uint16(bound(shareBps, 0, 10_000));
        for (uint256 i; i < legs; ++i) {
            uint256 h = uint256(keccak256(abi.encode(seed, i)));
            plans[i] = _forgedPlan(h, amountIn >> (i * 8), false);
            sizings[i] = abi.encodePacked(
                parts.sources[(h >> 128) % 4], uint8((h >> 136) % 3), shareBps, uint8(2),
                uint160(0), uint128(bound(tableAmount, 1, type(uint128).max)), type(uint160).max, uint128(tableAmount >> (i * 8))
            );
        }
        forgedLegsAttempts++;
        vm.prank(operator);
        try executor.executeSizedLegs(plans, sizings) {
            forgedPlansRun++;
        } catch {}
    }

    function strangerExecutesSizedLegs(uint256 seed, bytes[] calldata plans, bytes[] calldata sizings) external {
        vm.prank(_stranger(seed));
        strangerAttempts++;
        try executor.executeSizedLegs(plans, sizings) {
            strangerSuccesses++;
        } catch {}
    }

    /// @dev A stranger replays the operator's last legs (valid in this block).
    function strangerReplaysSizedLegs(uint256 seed) external {
        if (lastLegsPlans.length == 0) return;
        bytes[] memory plans = lastLegsPlans;
        bytes[] memory sizings = lastLegsSizings;
        vm.prank(_stranger(seed));
        strangerAttempts++;
        try executor.executeSizedLegs(plans, sizings) {
            strangerSuccesses++;
        } catch {}
    }

    /// @dev The profitable plan with its maxBuilderShareBps (bytes 57..59) set to `bps`.
    function _withShare(bytes memory plan, uint16 bps) internal pure returns (bytes memory out) {
        out = bytes.concat(plan);
        out[57] = bytes1(uint8(bps >> 8));
        out[58] = bytes1(uint8(bps));
    }

    /// @dev The operator key is stolen: a plan of the attacker's making (Plan.sol layout), coherent (a token path
    ///      back to the start, zeroForOne from the token order) but with fuzzed tokens, pool sources, kinds and
    ///      fees; the attacker's pool is armed to claim everything the executor holds of the token it would pay
    ///      after the first hop, to report a made-up output and to top the fake token up.
    function _forgedPlan(uint256 seed, uint256 amountIn, bool flash) internal returns (bytes memory plan) {
        uint256 hopCount = bound(seed, 2, 3);
        address[4] memory path;
        path[0] = parts.tokens[(seed >> 8) % 4];
        for (uint256 i = 1; i < hopCount; ++i) {
            path[i] = parts.tokens[(seed >> (8 * i + 8)) % 4];
            if (path[i] == path[i - 1]) path[i] = parts.tokens[((seed >> (8 * i + 8)) + 1) % 4];
        }
        path[hopCount] = path[0];
        parts.attackerPool.arm(type(uint256).max, path[1], bound(seed >> 64, 0, 2_000 ether));
        parts.attackerPool.armTopUp(parts.tokens[3], 1 ether);
        plan = abi.encodePacked(
            uint8(flash ? 1 : 0), uint64(block.number), uint128(bound(amountIn, 0, 100 ether)), uint128(0), uint128(0),
            uint16(0), path[0], uint8(hopCount)
        );
        uint24[5] memory fees = [uint24(30), 31, 500, 3000, 10_000];
        for (uint256 i; i < hopCount; ++i) {
            uint256 h = uint256(keccak256(abi.encode(seed, i)));
            // Half the time the attacker's own pool; else a registered factory or a pool named as a factory.
            uint256 pick = h % 6 < 3 ? 3 : h % 6 - 3;
            bool attackers = pick == 3;
            uint8 flags = ((attackers || pick == 1 || (h >> 8) & 1 == 1) ? 1 : 0) | (path[i] < path[i + 1] ? 2 : 0)
                | ((attackers || (h >> 9) & 1 == 1) ? 4 : 0);
            plan = abi.encodePacked(plan, parts.sources[pick], path[i + 1], flags, fees[(h >> 16) % 5]);
        }
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

    uint256 internal constant OTHER_HOLDINGS = 100_000 ether;

    function setUp() public override {
        super.setUp();
        _give(usdc, address(executor), OTHER_HOLDINGS);
        _give(dai, address(executor), OTHER_HOLDINGS);
        MaliciousPool attackerPool = new MaliciousPool();
        ForgeryParts memory parts = ForgeryParts(
            [address(weth), usdc, dai, address(new StandardToken("Fake", "FAKE", 18, address(attackerPool)))],
            [uniFactory, v3Factory, uniWethUsdc, address(attackerPool)],
            attackerPool
        );
        HopSpec[] memory reverse = _two(
            _hop(uniWethUsdc, address(weth), usdc, false, 0, address(uniRouter)),
            _hop(sushiWethUsdc, usdc, address(weth), false, 0, address(sushiRouter))
        );
        handler = new ExecutorHandler(
            executor, weth, owner, operator, uniWethUsdc, _simplePlan(_v2v2(), 2 ether, false), _simplePlan(reverse, 2 ether, false), parts
        );
        targetContract(address(handler));
    }

    /// @dev Holdings fall only through the owner's withdrawals: everything else only adds.
    function invariant_holdingsOnlyFallThroughOwnerWithdraw() public view {
        assertGe(_wethOf(address(executor)) + handler.withdrawnByOwner(), INVENTORY + handler.donated());
    }

    /// @dev Nobody withdraws the other tokens, so whatever the (stolen) operator key runs, they never fall.
    function invariant_otherHoldingsNeverFall() public view {
        assertGe(IAllowance(usdc).balanceOf(address(executor)), OTHER_HOLDINGS);
        assertGe(IAllowance(dai).balanceOf(address(executor)), OTHER_HOLDINGS);
    }

    function invariant_strangersNeverSucceed() public view {
        assertEq(handler.strangerSuccesses(), 0);
    }

    /// @dev The campaign really tried the guarded paths: strangers called, and when the operator tried its plan, the
    /// first try at least traded (otherwise "holdings only fall through withdraw" would hold for want of any trade);
    /// the same for the operator's sized runs of that cycle.
    /// A run whose 64 calls never drew `operatorExecutes` (about 1 run in 450) has nothing to say about it.
    function afterInvariant() public view {
        assertGt(handler.strangerAttempts(), 0);
        // Sized runs (one leg or several) trade the same cycle, so whichever came first traded.
        if (handler.operatorAttempts() + handler.sizedAttempts() + handler.legsAttempts() > 0) {
            assertGt(handler.operatorSuccesses() + handler.sizedSuccesses() + handler.legsSuccesses(), 0);
        }
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
    function balanceOf(address) external view returns (uint256);
}
