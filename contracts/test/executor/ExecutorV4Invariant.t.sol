// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {ExecutorV4Base} from "./ExecutorV4Base.sol";
import {Executor} from "../../src/Executor.sol";
import {V4Legs} from "../../src/V4Legs.sol";
import {IWETH9} from "../utils/UniswapFixture.sol";
import {V4Key} from "../utils/V4Fixture.sol";
import {StandardToken} from "../../src/devnet/StandardToken.sol";

/// @notice Random actors against the executor's V4 legs: the operator's profitable V4 cycles (inventory, flash, V4 loans),
///         a stolen operator key's forged V4 plans (any hooks, currencies, native flags, fees, tick spacings),
///         strangers and the PoolManager's address calling unlockCallback or sending ETH, the owner withdrawing.
contract ExecutorV4Handler is Test {
    Executor internal immutable executor;
    IWETH9 internal immutable weth;
    address internal immutable owner;
    address internal immutable operator;
    address internal immutable poolManager;
    bytes[] internal plans;
    address[4] internal tokens;

    uint256 public withdrawnByOwner;
    uint256 public strangerAttempts;
    uint256 public strangerSuccesses;
    uint256 public operatorAttempts;
    uint256 public operatorSuccesses;
    uint256 public forgedAttempts;
    /// @dev Forged plans that got past the executor's plan checks (reached a pool or the PoolManager).
    uint256 public forgedPastChecks;
    /// @dev Every handler call of the run (a shrunk or replayed sequence may be a single call).
    uint256 public calls;

    modifier counted() {
        calls++;
        _;
    }

    constructor(Executor executor_, IWETH9 weth_, address owner_, address operator_, address poolManager_) {
        (executor, weth, owner, operator, poolManager) = (executor_, weth_, owner_, operator_, poolManager_);
    }

    /// @dev The operator's profitable plans and the forgery's tokens (WETH, USDC, DAI, a fake token).
    function load(bytes[] memory plans_, address[4] memory tokens_) external {
        plans = plans_;
        tokens = tokens_;
    }

    function _stranger(uint256 seed) internal view returns (address actor) {
        actor = address(uint160(bound(seed, 1, type(uint160).max)));
        if (actor == owner || actor == operator) actor = address(0xBAD);
    }

    function operatorExecutesV4Cycle(uint256 pick) external counted {
        operatorAttempts++;
        vm.prank(operator);
        try executor.execute(plans[pick % plans.length]) {
            operatorSuccesses++;
        } catch {}
    }

    function strangerCallsUnlockCallback(uint256 seed, bytes calldata data) external counted {
        strangerAttempts++;
        vm.prank(_stranger(seed));
        try executor.unlockCallback(data) {
            strangerSuccesses++;
        } catch {}
    }

    /// @dev The PoolManager's own address, outside any unlock of ours, with our callback data shape.
    function poolManagerCallsUnlockCallback(uint256 amount, address recipient, bool zeroForOne) external counted {
        strangerAttempts++;
        bytes memory data = abi.encode(V4Key(tokens[0], tokens[1], 500, 10, address(0)), zeroForOne, amount, recipient, false, bytes(""));
        vm.prank(poolManager);
        try executor.unlockCallback(data) {
            strangerSuccesses++;
        } catch {}
    }

    function strangerExecutesPlan(uint256 seed, uint256 pick) external counted {
        strangerAttempts++;
        vm.prank(_stranger(seed));
        try executor.execute(plans[pick % plans.length]) {
            strangerSuccesses++;
        } catch {}
    }

    function anyoneSendsEth(uint256 seed, bool asPoolManager) external counted {
        address sender = asPoolManager ? poolManager : _stranger(seed);
        // Added, not set: vm.deal on the PoolManager would wipe the native ETH its pools hold.
        vm.deal(sender, sender.balance + 1 ether);
        strangerAttempts++;
        vm.prank(sender);
        (bool ok,) = address(executor).call{value: 1 ether}("");
        if (ok) strangerSuccesses++;
    }

    /// @dev A stolen operator key's V4 plan: 2..3 hops over WETH, USDC, DAI and a fake token, each V2 (Uniswap
    ///      factory), V3 or V4 with fuzzed hooks (none or the attacker's), native flag, fee, tick spacing and trailer.
    function operatorRunsForgedV4Plan(uint256 seed, uint256 amountIn, bool flash) external counted {
        uint256 hopCount = bound(seed, 2, 3);
        address[4] memory path;
        // Mostly WETH, the one start token the owner allowed (others are refused before any swap).
        path[0] = (seed >> 240) % 4 == 0 ? tokens[(seed >> 8) % 4] : tokens[0];
        for (uint256 i = 1; i < hopCount; ++i) {
            path[i] = tokens[(seed >> (8 * i + 8)) % 4];
            if (path[i] == path[i - 1]) path[i] = tokens[((seed >> (8 * i + 8)) + 1) % 4];
        }
        path[hopCount] = path[0];
        uint256 v4Count;
        bytes memory hops;
        bytes memory trailer;
        for (uint256 i; i < hopCount; ++i) {
            (bytes memory hop, bytes memory entry) = _forgedHop(uint256(keccak256(abi.encode(seed, i))), path[i], path[i + 1], v4Count);
            hops = bytes.concat(hops, hop);
            if (entry.length != 0) (trailer, v4Count) = (bytes.concat(trailer, entry), v4Count + 1);
        }
        bytes memory plan = abi.encodePacked(
            uint8((flash ? 1 : 0) | (v4Count << 1) | (((seed >> 200) & 3) << 5)), uint64(block.number), uint128(bound(amountIn, 0, 100 ether)), uint128(0),
            uint128(0), uint16(0), path[0], uint8(hopCount), hops, trailer
        );
        forgedAttempts++;
        vm.prank(operator);
        try executor.execute(plan) {
            forgedPastChecks++;
        } catch (bytes memory reason) {
            if (!_refusedByChecks(reason)) forgedPastChecks++;
        }
    }

    /// @dev The executor's own refusals before any swap.
    function _refusedByChecks(bytes memory reason) internal pure returns (bool) {
        if (reason.length < 4) return false;
        bytes4 selector = bytes4(reason);
        return selector == Executor.BadPlan.selector || selector == Executor.StartTokenNotAllowed.selector
            || selector == V4Legs.V4HooksNotAllowed.selector || selector == Executor.FactoryNotRegistered.selector;
    }

    /// @dev A V4 hop's trailer index is mostly the canonical one (`v4Index`, so the plan reaches the V4 code), one
    ///      time in four a random one (the executor must refuse it as BadPlan).
    function _forgedHop(uint256 h, address tokenIn, address tokenOut, uint256 v4Index)
        internal
        view
        returns (bytes memory hop, bytes memory entry)
    {
        uint24 fee = [uint24(100), 500, 3000, 10_000][(h >> 16) % 4];
        bool zeroForOne = tokenIn < tokenOut;
        if (h % 3 == 2) {
            bool native = (h >> 8) & 1 == 1;
            if (native && (tokenIn == address(weth) || tokenOut == address(weth))) zeroForOne = tokenIn == address(weth);
            uint8 flags = uint8(8 | (zeroForOne ? 2 : 0) | (native ? 16 : 0) | (((h >> 12) % 4 == 0 ? (h >> 14) % 4 : v4Index) << 5));
            hop = abi.encodePacked((h >> 9) & 3 == 0 ? address(0xBAD0080) : address(0), tokenOut, flags, fee);
            entry = abi.encodePacked([int24(1), 10, 60, 200][(h >> 20) % 4]);
        } else {
            bool v3 = h % 3 == 1;
            hop = abi.encodePacked(v3 ? v3Factory : uniFactory, tokenOut, uint8((v3 ? 1 : 0) | (zeroForOne ? 2 : 0)), v3 ? fee : uint24(30));
        }
    }

    address internal uniFactory;
    address internal v3Factory;

    function setFactories(address uniFactory_, address v3Factory_) external {
        (uniFactory, v3Factory) = (uniFactory_, v3Factory_);
    }

    function ownerWithdraws(uint256 amount) external counted {
        amount = bound(amount, 0, weth.balanceOf(address(executor)) / 10);
        vm.prank(owner);
        executor.withdraw(address(weth), owner, amount);
        withdrawnByOwner += amount;
    }
}

contract ExecutorV4InvariantTest is ExecutorV4Base {
    ExecutorV4Handler internal handler;
    uint256 internal constant OTHER_HOLDINGS = 100_000 ether;

    function setUp() public override {
        super.setUp();
        _give(usdc, address(executor), OTHER_HOLDINGS);
        _give(dai, address(executor), OTHER_HOLDINGS);
        bytes[] memory plans = new bytes[](8);
        plans[0] = _planLegs(false, 2 ether, 0, _cycleV2V4());
        plans[1] = _planLegs(true, 2 ether, 0, _cycleV3V4());
        plans[2] = _planLegs(false, 2 ether, 0, _cycleV4NativeV2());
        plans[3] = _planLegs(true, 2 ether, 0, _cycleV4V4());
        plans[4] = _planLegs(false, 2 ether, 0, _cycleV2V4Native());
        plans[5] = _planLegs(true, 2 ether, 0, _cycleV3V2V4());
        // V4 loans (flash | 32, native | 64) financing a V2 -> V4 cycle and a native V4 -> V2 one.
        plans[6] = _planLegsWithFlags(1 | 32, 2 ether, 0, _cycleV2V4());
        plans[7] = _planLegsWithFlags(1 | 32 | 64, 2 ether, 0, _cycleV4NativeV2());
        address fake = address(new StandardToken("Fake", "FAKE", 18, address(this)));
        // The attacker's own hookless FAKE/WETH pool (fee 3000, spacing 60), which forged V4 hops can name.
        StandardToken(fake).mint(address(this), 1e30);
        (address a, address b) = fake < address(weth) ? (fake, address(weth)) : (address(weth), fake);
        _v4Pool(a, b, 3000, 60, 1, 1, uint128(_sqrt(1_000 ether * 1_000 ether)));
        handler = new ExecutorV4Handler(executor, weth, owner, operator, poolManager);
        handler.load(plans, [address(weth), usdc, dai, fake]);
        handler.setFactories(uniFactory, v3Factory);
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](7);
        selectors[0] = ExecutorV4Handler.operatorExecutesV4Cycle.selector;
        selectors[1] = ExecutorV4Handler.strangerCallsUnlockCallback.selector;
        selectors[2] = ExecutorV4Handler.poolManagerCallsUnlockCallback.selector;
        selectors[3] = ExecutorV4Handler.strangerExecutesPlan.selector;
        selectors[4] = ExecutorV4Handler.anyoneSendsEth.selector;
        selectors[5] = ExecutorV4Handler.operatorRunsForgedV4Plan.selector;
        selectors[6] = ExecutorV4Handler.ownerWithdraws.selector;
        targetSelector(FuzzSelector(address(handler), selectors));
    }

    /// @dev WETH falls only through the owner's withdrawals, whatever V4 plans ran.
    function invariant_v4HoldingsOnlyFallThroughOwnerWithdraw() public view {
        assertGe(_wethOf(address(executor)) + handler.withdrawnByOwner(), INVENTORY);
    }

    function invariant_v4OtherHoldingsNeverFall() public view {
        assertGe(IBalance(usdc).balanceOf(address(executor)), OTHER_HOLDINGS);
        assertGe(IBalance(dai).balanceOf(address(executor)), OTHER_HOLDINGS);
    }

    /// @dev ETH never stays in the executor: native legs wrap what they take and unwrap only what they settle.
    function invariant_v4NoEthLeftBehind() public view {
        assertEq(address(executor).balance, 0);
    }

    function invariant_v4StrangersNeverSucceed() public view {
        assertEq(handler.strangerSuccesses(), 0);
    }

    /// @dev The forgery is not refused wholesale by the plan checks: over 64 fixed seeds, at least a quarter of the
    ///      forged plans reach a pool or the PoolManager, and the holdings still hold.
    function test_forgedV4Plans_reachPoolsAndTakeNothing() public {
        for (uint256 i; i < 64; ++i) {
            uint256 seed = uint256(keccak256(abi.encode("forged", i)));
            handler.operatorRunsForgedV4Plan(seed, seed >> 128, i % 2 == 0);
        }
        assertEq(handler.forgedAttempts(), 64);
        assertGe(handler.forgedPastChecks(), 16);
        invariant_v4HoldingsOnlyFallThroughOwnerWithdraw();
        invariant_v4OtherHoldingsNeverFall();
        invariant_v4NoEthLeftBehind();
    }

    /// @dev The campaign really tried the guarded paths, and the operator's first try traded.
    function afterInvariant() public view {
        // A run of a few calls may draw no attacker; a full one (depth 64, most selectors an attacker's) always does.
        if (handler.calls() >= 16) assertGt(handler.strangerAttempts() + handler.forgedAttempts(), 0);
        if (handler.operatorAttempts() > 0) assertGt(handler.operatorSuccesses(), 0);
    }
}

interface IBalance {
    function balanceOf(address) external view returns (uint256);
}
