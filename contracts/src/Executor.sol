// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IUniswapV2Pair} from "./interfaces/IUniswapV2Pair.sol";
import {IUniswapV3Pool} from "./interfaces/IUniswapV3Pool.sol";
import {IWETH} from "./interfaces/IWETH.sol";
import {Plan} from "./libraries/Plan.sol";
import {PoolAddress} from "./libraries/PoolAddress.sol";
import {Sizing} from "./libraries/Sizing.sol";
import {TokenTransfer} from "./libraries/TokenTransfer.sol";
import {V4Legs} from "./V4Legs.sol";
import {IV4PoolManager, V4PoolKey} from "./interfaces/IV4PoolManager.sol";

/// @title Executor
/// @notice Runs one planned cycle of swaps across Uniswap V2-style pairs, V3 pools and V4 pools (V4Legs.sol) in a
///         single call, keeps the profit, pays the block builder, and reverts in every other case.
/// @dev Safety model (the owner is a cold key; the operator is the bot's hot key, assumed stealable):
///      - Only operators call `execute`; only the owner moves funds out, changes operators, registers factories,
///        lists pools, allows start tokens, and sets the V4 PoolManager and hooks.
///      - Every hop's pool is a real pool: its address is recomputed here by CREATE2 from a factory the owner
///        registered (with its pair/pool init code hash and, for V2, its fee), the hop's two tokens and the V3
///        fee tier; or it is a pool the owner listed with exactly those tokens and fee. A plan cannot name any
///        other contract, so the pools' own checks (K, balances) hold for every swap.
///      - A V4 hop names a pool key, not a contract: it swaps in the PoolManager the owner set (`setPoolManager`),
///        with hooks none or allowed by the owner (`setV4Hooks`: a hook runs inside the swap, so allow only reviewed
///        ones; many let anyone create pools, which the profit check still bounds); its currencies are the hop's
///        tokens, native ETH only for WETH (unwrapped to pay, wrapped when taken). A key the PoolManager has no pool
///        for reverts there. See V4Legs.sol for its own rules (unlockCallback, bounded settlement).
///      - A plan has one encoding (Plan.canonical): flags without a meaning, or a V4 trailer that is not one entry
///        per V4 hop in hop order, are BadPlan before any swap.
///      - The start token (what profit is measured in) is WETH or a token the owner allowed, so its balance
///        cannot be faked to pass the profit check.
///      - Callbacks are accepted only from the pool the running `execute` is calling right now (a transient slot
///        set just before the swap and cleared on first use), and for V2 only with sender == this. A V3 callback
///        pays only that hop's input token, only up to the amount the hop put in, both from transient state
///        this contract wrote; callback data is never trusted: in flash mode it must hash to the running plan.
///        `unlockCallback` (V4) likewise: only from the owner's PoolManager, only inside an `unlock` this contract
///        started, only with the data it passed (its hash), once; it pays only the hop's input currency, at most
///        the hop's input, and the PoolManager itself requires every delta settled before `unlock` returns.
///      - Pools are paid by direct transfer; the executor never grants an approval.
///      - Profit is the start token's balance delta measured here (after every V4 unlock, flash or loan, has
///        returned); anything short of minProfit + builder payment reverts, so a token that takes fees or lies
///        about balances costs gas, never capital.
///      - The plan names its block; run in any other block (late, or replayed) it reverts.
///      - The builder's share of the profit is capped by the owner (`maxBuilderShareBps`): a plan stating a higher
///        share reverts, so a stolen operator key cannot hand a whole profit to a builder it controls or bribes.
///      - `executeSized` (for victims whose amounts are hidden) takes its input from a table keyed by the live state
///        of one of the plan's own pools, as the executor derives it; the input never exceeds the plan's amountIn,
///        and the builder gets a share of the realised profit under the same caps. Every rule above holds for it.
contract Executor is V4Legs {
    using TokenTransfer for address;

    /// @notice A factory whose pools plans may name: for V2-style factories with the pairs' fee in basis points.
    struct Factory {
        address factory;
        bool v3;
        uint24 v2FeeBps;
        bytes32 initCodeHash;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    event OperatorSet(address indexed operator, bool allowed);
    event Withdrawn(address indexed token, address indexed to, uint256 amount);
    event FactoryRegistered(address indexed factory, bool v3, uint24 v2FeeBps, bytes32 initCodeHash);
    event FactoryUnregistered(address indexed factory, bool v3, uint24 v2FeeBps);
    event PoolListed(address indexed pool, bool v3, address token0, address token1, uint24 fee);
    event PoolUnlisted(address indexed pool);
    event StartTokenSet(address indexed token, bool allowed);
    event MaxBuilderShareBpsSet(uint16 bps);
    /// @notice The executor sent `amount` wei to the block's `coinbase` (the builder's bid). The one record of that
    ///         payment a receipt carries: the ETH transfer itself logs nothing, and the WETH `Withdrawal` before it
    ///         cannot be told from the unwraps that pay native-ETH V4 hops. Not emitted when the payment is 0.
    event BuilderPaid(address indexed coinbase, uint256 amount);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    error NotOwner();
    error NotOperator();
    error Reentered();
    error WrongBlock(uint256 targetBlock, uint256 currentBlock);
    error BadPlan();
    error StartTokenNotAllowed(address token);
    error FactoryNotRegistered(address factory, bool v3, uint24 v2FeeBps);
    error PoolNotListed(address pool);
    error BadRegistration();
    error UnexpectedCallback(address caller);
    error ClaimInWrongToken(int256 amount0Delta, int256 amount1Delta);
    error ClaimAboveOwed(uint256 claimed, uint256 owed);
    error FlashPlanMismatch();
    error InsufficientProfit(int256 profit, uint256 required);
    error BuilderPaymentAboveCap(uint256 payment, uint256 cap);
    error BuilderShareAboveOwnerCap(uint256 planBps, uint256 ownerCapBps);
    error BuilderShareCapTooHigh(uint256 bps);
    error BuilderPaymentNeedsWeth();
    error BuilderPaymentFailed();
    error EthTransferFailed();
    error EthNotAccepted();
    error FlashPlanNotSizable();
    error FixedBuilderPaymentInSizedPlan();
    error BadSizing();
    error SizingPoolNotInPlan(address pool);
    /// @notice A table keyed on a V4 hop names a pool id other than that hop's own pool key's.
    error SizingPoolIdNotInPlan(bytes32 poolId);
    error BuilderShareAbovePlanCap(uint256 shareBps, uint256 planCapBps);
    error NoOpportunity(uint256 key);

    /*//////////////////////////////////////////////////////////////
                                 STATE
    //////////////////////////////////////////////////////////////*/

    address public immutable owner;
    address public immutable WETH;
    mapping(address => bool) public isOperator;
    /// @notice Start tokens besides WETH (which is always one).
    mapping(address => bool) public isStartToken;

    /// @dev factory => venue key (see _venueKey) => init code hash of its pools; zero = not registered.
    mapping(address => mapping(uint256 => bytes32)) private _initCodeHash;
    /// @dev pool => hash of what the owner listed it as (see _listingKey); zero = not listed.
    mapping(address => bytes32) private _listing;
    /// @notice The most a plan may give block.coinbase, in basis points of its gross profit (at most 10_000).
    uint16 public maxBuilderShareBps;

    /// @dev Transient slots: the pool allowed to call back now; the input token of its hop (bit 160 set when
    ///      zeroForOne); the amount of that hop (V3: the most the pool may claim; V2 flash: what the pair lends);
    ///      the hash of the plan a flash callback must carry; the lock.
    uint256 private constant EXPECTED_POOL_SLOT = 0x7d6ad0c6d2e3f2b8a1a4d1e0b7b5d0d1c3f1e2a4b6c8d0e2f4a6b8c0d2e4f6a1;
    uint256 private constant PAY_TOKEN_SLOT = 0x7d6ad0c6d2e3f2b8a1a4d1e0b7b5d0d1c3f1e2a4b6c8d0e2f4a6b8c0d2e4f6a2;
    uint256 private constant LOCK_SLOT = 0x7d6ad0c6d2e3f2b8a1a4d1e0b7b5d0d1c3f1e2a4b6c8d0e2f4a6b8c0d2e4f6a3;
    uint256 private constant AMOUNT_SLOT = 0x7d6ad0c6d2e3f2b8a1a4d1e0b7b5d0d1c3f1e2a4b6c8d0e2f4a6b8c0d2e4f6a4;
    uint256 private constant FLASH_PLAN_SLOT = 0x7d6ad0c6d2e3f2b8a1a4d1e0b7b5d0d1c3f1e2a4b6c8d0e2f4a6b8c0d2e4f6a5;

    uint256 private constant V3_VENUE = 1 << 24;
    /// @notice The most legs one executeSizedLegs call may carry (two directions for each of a few pools).
    uint256 public constant MAX_SIZED_LEGS = 8;

    uint160 private constant MIN_SQRT_RATIO_PLUS_ONE = 4295128740;
    uint160 private constant MAX_SQRT_RATIO_MINUS_ONE = 1461446703485210103287273052203988822378723970341;

    /// @param owner_ The cold key that withdraws and administers; never the operator in production.
    /// @param operator_ The bot's hot key, allowed to call `execute`.
    /// @param weth_ WETH9: always a start token, and what builder payments are unwrapped from.
    /// @param factories The factories whose pools plans may name from the start (deploy scripts pass the chain's).
    /// @param maxBuilderShareBps_ The owner's cap on the builder's share of a profit (see setMaxBuilderShareBps);
    ///        the deploy scripts default to 9_000.
    constructor(address owner_, address operator_, address weth_, Factory[] memory factories, uint16 maxBuilderShareBps_) {
        owner = owner_;
        WETH = weth_;
        _setMaxBuilderShareBps(maxBuilderShareBps_);
        isOperator[operator_] = true;
        emit OperatorSet(operator_, true);
        for (uint256 i; i < factories.length; ++i) {
            Factory memory f = factories[i];
            _registerFactory(f.factory, f.v3, f.v2FeeBps, f.initCodeHash);
        }
    }

    /// @dev Only WETH sends ETH here (when unwrapping), and the PoolManager paying a native V4 output inside our
    ///      own unlock.
    receive() external payable {
        if (msg.sender != WETH && !_v4PaysEth(msg.sender)) revert EthNotAccepted();
    }

    /*//////////////////////////////////////////////////////////////
                                EXECUTION
    //////////////////////////////////////////////////////////////*/

    /// @notice Runs a planned cycle (see Plan.sol for the encoding) and pays the builder out of its profit.
    /// @dev Reverts unless every pool is registered or listed, the start token is allowed, and the start
    ///      token's balance grows by at least minProfit + builderPayment in the plan's target block, and unless
    ///      builderPayment <= profit * maxBuilderShareBps / 10_000, where the plan's maxBuilderShareBps must not
    ///      exceed the owner's cap.
    /// @param plan The packed plan.
    function execute(bytes calldata plan) external {
        Plan.Header memory h = _openPlan(plan);

        uint256 balanceBefore = h.startToken.balanceOf(address(this));
        Plan.Hop memory first = Plan.hop(plan, 0);
        address firstPool = _pool(first, h.startToken);
        if (h.flash) {
            // The whole cycle runs inside the first pool's callback, which then repays it.
            _tstore(FLASH_PLAN_SLOT, uint256(keccak256(plan)));
            if (Plan.headerFlags(plan) & Plan.FLAG_V4_LOAN != 0) {
                _borrowFromV4(plan, h.startToken, h.amountIn);
            } else if (first.v3 || first.v4) {
                Plan.Hop memory second = Plan.hop(plan, 1);
                address recipient = second.v3 || second.v4 ? address(this) : _pool(second, first.tokenOut);
                if (first.v4) _hopV4(plan, firstPool, first, h.startToken, h.amountIn, recipient, plan);
                else _swapV3(firstPool, first, h.startToken, h.amountIn, recipient, plan);
            } else {
                uint256 out = _v2AmountOut(firstPool, first, h.amountIn);
                _tstore(EXPECTED_POOL_SLOT, uint160(firstPool));
                _tstore(AMOUNT_SLOT, out);
                (uint256 out0, uint256 out1) = first.zeroForOne ? (uint256(0), out) : (out, uint256(0));
                IUniswapV2Pair(firstPool).swap(out0, out1, address(this), plan);
                _tstore(EXPECTED_POOL_SLOT, 0);
            }
            _tstore(FLASH_PLAN_SLOT, 0);
        } else {
            if (!first.v3 && !first.v4) h.startToken.transfer(firstPool, h.amountIn);
            _runHops(plan, 0, h.hopCount, h.startToken, first, firstPool, h.amountIn);
        }
        uint256 balanceAfter = h.startToken.balanceOf(address(this));

        uint256 required = h.minProfit + h.builderPayment;
        if (balanceAfter < balanceBefore + required) {
            revert InsufficientProfit(int256(balanceAfter) - int256(balanceBefore), required);
        }
        uint256 profit = balanceAfter - balanceBefore;
        if (h.builderPayment != 0) {
            uint256 cap = profit * h.maxBuilderShareBps / 10_000;
            if (h.builderPayment > cap) revert BuilderPaymentAboveCap(h.builderPayment, cap);
            if (h.startToken != WETH) revert BuilderPaymentNeedsWeth();
            _payBuilder(h.builderPayment);
        }
        _tstore(LOCK_SLOT, 0);
    }

    /// @notice Runs a planned cycle with an input read off a sizing table at execution time (see Sizing.sol for
    ///         the encoding), for a victim whose amounts were hidden: the table maps the touched pool's state
    ///         after each possible victim to the cycle's best input there, and the pool's live state picks the
    ///         entry. The builder gets `builderShareBps` of the realised profit.
    /// @dev Same rules as `execute` (operator only, not re-entrant, the same plan checks, the target block), and:
    ///      - only inventory plans (flash mode reverts FlashPlanNotSizable) with builderPayment 0
    ///        (FixedBuilderPaymentInSizedPlan): the payment here is a share, not a sum;
    ///      - the table's pool must be the pool the executor itself derives for the plan hop it names
    ///        (SizingPoolNotInPlan), so a stolen operator key cannot make it read an arbitrary contract;
    ///      - the key is that pool's reserve0 (V2-style hop, getReserves) or sqrtPriceX96 (V3 hop, slot0; V4 hop, its
    ///        slot0 in the owner's PoolManager by extsload, the table's `pool` being that PoolManager and its trailer
    ///        the id of the hop's own pool key, else SizingPoolIdNotInPlan); keys must strictly increase, the table be
    ///        2..64 entries of exactly its length, with the pool id trailer exactly when the hop is V4 (BadSizing);
    ///      - the input is linear between the two entries around the key and never exceeds the plan's amountIn
    ///        (the ceiling the bot's risk checks approved); a key outside [first, last], or an input of 0 (after
    ///        interpolation and the cap), reverts NoOpportunity before any swap;
    ///      - builderShareBps <= the plan's maxBuilderShareBps (BuilderShareAbovePlanCap) <= the owner's cap;
    ///        payment = realisedProfit * builderShareBps / 10_000, sent in ETH to block.coinbase (unwrapped WETH,
    ///        so the start token must be WETH when the share is not 0);
    ///      - realisedProfit - payment >= minProfit, else InsufficientProfit: a wrong table or a wrong direction
    ///        costs only the revert.
    /// @param plan The packed plan; its amountIn is the most the table may ask for.
    /// @param sizing The packed sizing table.
    function executeSized(bytes calldata plan, bytes calldata sizing) external {
        Plan.Header memory h = _openPlan(plan);
        SizedLeg memory leg = _sizedLeg(plan, h, sizing);
        if (leg.amountIn == 0) revert NoOpportunity(leg.key);

        uint256 balanceBefore = h.startToken.balanceOf(address(this));
        _runSizedLeg(plan, h, leg);
        _settleShare(h.startToken, balanceBefore, h.minProfit, leg.shareBps);
        _tstore(LOCK_SLOT, 0);
    }

    /// @notice Runs several sized legs in one call, for a victim whose direction is hidden too (and whose swap may
    ///         have touched several pools): one leg per pool and direction it may have traded, each trading only if
    ///         its pool's live state lies inside its table with a non-zero input there.
    /// @dev Every leg obeys `executeSized`'s rules (plan checks, table checks, caps), with one start token and one
    ///      builder share for all (BadPlan, BadSizing otherwise); 1..MAX_SIZED_LEGS legs. Every leg is checked and
    ///      its key read before any leg swaps (so an earlier leg's trade cannot move a later leg into its table); then
    ///      legs run in order, one whose key was outside its table or whose input is 0 skipped; NoOpportunity(0)
    ///      reverts the call, before any swap, when none would trade. The floor is the sum of the plans' minProfit and holds for the whole call: its
    ///      realised profit less the builder's share (a share of that profit, paid once in ETH to block.coinbase)
    ///      must reach it, else InsufficientProfit.
    /// @param plans The packed plans, one per leg.
    /// @param sizings The packed sizing tables, in the plans' order.
    function executeSizedLegs(bytes[] calldata plans, bytes[] calldata sizings) external {
        uint256 legs = plans.length;
        if (legs == 0 || legs > MAX_SIZED_LEGS || sizings.length != legs) revert BadSizing();
        Plan.Header memory h = _openPlan(plans[0]);
        address startToken = h.startToken;
        uint256[] memory amounts = new uint256[](legs);
        address[] memory firstPools = new address[](legs);
        uint256 shareBps;
        uint256 floor;
        bool anyTrades;
        // Every leg is checked and its input read before any leg swaps: each key is the state the victim left. Read
        // later, an earlier leg's own backrun could move a shared pool into another leg's table (the other
        // direction's, say) and make that leg trade against it.
        for (uint256 i; i < legs; ++i) {
            if (i != 0) {
                h = _checkPlan(plans[i]);
                if (h.startToken != startToken) revert BadPlan();
            }
            SizedLeg memory leg = _sizedLeg(plans[i], h, sizings[i]);
            if (i == 0) shareBps = leg.shareBps;
            else if (leg.shareBps != shareBps) revert BadSizing();
            floor += h.minProfit;
            (amounts[i], firstPools[i]) = (leg.amountIn, leg.firstPool);
            if (leg.amountIn != 0) anyTrades = true;
        }
        if (!anyTrades) revert NoOpportunity(0);
        uint256 balanceBefore = startToken.balanceOf(address(this));
        for (uint256 i; i < legs; ++i) {
            if (amounts[i] != 0) _runCheckedLeg(plans[i], firstPools[i], amounts[i]);
        }
        _settleShare(startToken, balanceBefore, floor, shareBps);
        _tstore(LOCK_SLOT, 0);
    }

    /*//////////////////////////////////////////////////////////////
                                CALLBACKS
    //////////////////////////////////////////////////////////////*/

    /// @notice V3 swap callback: pays the pool the executor is swapping with right now, nobody else, in that
    ///         hop's input token and at most the hop's input amount.
    /// @dev With plan data (flash mode) it first runs the rest of the cycle, then repays the first pool. The data
    ///      must be the running plan (checked by hash); what is paid never comes from it.
    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata data) external {
        _acceptCallback();
        uint256 pay = _tload(PAY_TOKEN_SLOT);
        uint256 owed = _tload(AMOUNT_SLOT);
        bool zeroForOne = pay >> 160 != 0;
        // A pool is owed its input token (token0 when swapping zero for one) and owes the other.
        (int256 inDelta, int256 outDelta) = zeroForOne ? (amount0Delta, amount1Delta) : (amount1Delta, amount0Delta);
        if (inDelta < 0 || outDelta > 0) revert ClaimInWrongToken(amount0Delta, amount1Delta);
        uint256 claimed = uint256(inDelta);
        if (claimed > owed) revert ClaimAboveOwed(claimed, owed);
        if (data.length != 0) {
            _acceptFlashPlan(data);
            Plan.Header memory h = Plan.header(data);
            Plan.Hop memory first = Plan.hop(data, 0);
            Plan.Hop memory next = Plan.hop(data, 1);
            _runHops(data, 1, h.hopCount, first.tokenOut, next, _pool(next, first.tokenOut), uint256(-outDelta));
        }
        address(uint160(pay)).transfer(msg.sender, claimed);
    }

    /// @notice V2 flash-swap callback: only from the pair being flash-borrowed from, only for this executor's swap.
    /// @dev Runs the rest of the cycle with the borrowed output (the amount this executor asked for, not the
    ///      callback's arguments), then repays the pair its input. The data must be the running plan.
    function uniswapV2Call(address sender, uint256, uint256, bytes calldata data) external {
        _acceptCallback();
        if (sender != address(this)) revert UnexpectedCallback(sender);
        _acceptFlashPlan(data);
        Plan.Header memory h = Plan.header(data);
        uint256 received = _tload(AMOUNT_SLOT);
        Plan.Hop memory first = Plan.hop(data, 0);
        Plan.Hop memory next = Plan.hop(data, 1);
        address nextPool = _pool(next, first.tokenOut);
        // The borrowed output came here (a V2 pair calls back its `to`); a V2 next hop needs it in its pair.
        if (!next.v3 && !next.v4) first.tokenOut.transfer(nextPool, received);
        _runHops(data, 1, h.hopCount, first.tokenOut, next, nextPool, received);
        h.startToken.transfer(msg.sender, h.amountIn);
    }

    /*//////////////////////////////////////////////////////////////
                               OWNER ONLY
    //////////////////////////////////////////////////////////////*/

    /// @notice Moves funds out. `token` 0 means ETH.
    function withdraw(address token, address to, uint256 amount) external {
        _onlyOwner();
        if (token == address(0)) {
            (bool sent,) = to.call{value: amount}("");
            if (!sent) revert EthTransferFailed();
        } else {
            token.transfer(to, amount);
        }
        emit Withdrawn(token, to, amount);
    }

    /// @notice Grants or revokes the right to call `execute`.
    function setOperator(address operator, bool allowed) external {
        _onlyOwner();
        isOperator[operator] = allowed;
        emit OperatorSet(operator, allowed);
    }

    /// @notice Lets plans name the pools `factory` deploys: their addresses are recomputed from it by CREATE2.
    /// @param factory A Uniswap V2-style or V3 factory.
    /// @param v3 Whether it is a Uniswap V3 factory (pool salt keccak256(abi.encode(token0, token1, fee))) or
    ///        V2-style (pair salt keccak256(abi.encodePacked(token0, token1))).
    /// @param v2FeeBps V2-style only: its pairs' fee in basis points (30 for Uniswap V2 and SushiSwap); 0 for V3.
    /// @param initCodeHash keccak256 of its pools' creation code, as the factory's CREATE2 uses it.
    function registerFactory(address factory, bool v3, uint24 v2FeeBps, bytes32 initCodeHash) external {
        _onlyOwner();
        _registerFactory(factory, v3, v2FeeBps, initCodeHash);
    }

    /// @notice Stops plans from naming `factory`'s pools (registered with the same `v3` and `v2FeeBps`).
    function unregisterFactory(address factory, bool v3, uint24 v2FeeBps) external {
        _onlyOwner();
        delete _initCodeHash[factory][_venueKey(v3, v2FeeBps)];
        emit FactoryUnregistered(factory, v3, v2FeeBps);
    }

    /// @notice Lets plans name `pool` itself (one no registered factory made), for exactly these tokens and fee.
    /// @param token0 The pool's token0; token0 < token1, as pools order them.
    /// @param fee V2-style: the pair's fee in basis points (what the executor prices swaps with); V3: its fee tier.
    function listPool(address pool, bool v3, address token0, address token1, uint24 fee) external {
        _onlyOwner();
        if (pool == address(0) || token0 >= token1 || (!v3 && fee >= 10_000)) revert BadRegistration();
        _listing[pool] = _listingKey(v3, token0, token1, fee);
        emit PoolListed(pool, v3, token0, token1, fee);
    }

    /// @notice Stops plans from naming `pool` as a listed pool.
    function unlistPool(address pool) external {
        _onlyOwner();
        delete _listing[pool];
        emit PoolUnlisted(pool);
    }

    /// @notice Allows or refuses `token` as a plan's start token (WETH always is one). A start token's balance is
    ///         what the profit check measures, so allow only tokens whose balances cannot lie.
    function setStartToken(address token, bool allowed) external {
        _onlyOwner();
        isStartToken[token] = allowed;
        emit StartTokenSet(token, allowed);
    }

    /// @notice Caps the builder's share of a plan's profit: `execute` refuses a plan stating a higher share. The
    ///         operator (hot) key chooses each plan's share; this bounds what a stolen one can give away.
    /// @param bps Basis points of the gross profit, at most 10_000 (100%).
    function setMaxBuilderShareBps(uint16 bps) external {
        _onlyOwner();
        _setMaxBuilderShareBps(bps);
    }

    /*//////////////////////////////////////////////////////////////
                                  VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The init code hash `factory` is registered with (zero if it is not).
    function initCodeHashOf(address factory, bool v3, uint24 v2FeeBps) external view returns (bytes32) {
        return _initCodeHash[factory][_venueKey(v3, v2FeeBps)];
    }

    /// @notice Whether `pool` is listed for exactly these tokens and fee.
    function isListedPool(address pool, bool v3, address token0, address token1, uint24 fee) external view returns (bool) {
        return _listing[pool] != 0 && _listing[pool] == _listingKey(v3, token0, token1, fee);
    }

    /// @notice The pool a plan naming `factory` means for these tokens (either order) and fee: what `execute`
    ///         swaps with. Reverts if the factory is not registered.
    /// @param fee V2-style: the registered fee in basis points; V3: the fee tier.
    function poolFor(address factory, bool v3, address tokenA, address tokenB, uint24 fee) external view returns (address) {
        (address token0, address token1) = tokenA < tokenB ? (tokenA, tokenB) : (tokenB, tokenA);
        return _canonicalPool(factory, v3, token0, token1, fee);
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev What `execute` and `executeSized` check before anything else: the caller, the lock (taken here and
    ///      released by the caller at its end), the plan's shape, block, start token and builder share.
    function _openPlan(bytes calldata plan) private returns (Plan.Header memory h) {
        if (!isOperator[msg.sender]) revert NotOperator();
        if (_tload(LOCK_SLOT) != 0) revert Reentered();
        _tstore(LOCK_SLOT, 1);
        h = _checkPlan(plan);
    }

    /// @dev A plan's shape, block, start token and builder share against the owner's cap (no state written).
    function _checkPlan(bytes calldata plan) private view returns (Plan.Header memory h) {
        h = Plan.header(plan);
        if (
            plan.length < Plan.HEADER_SIZE || h.hopCount < 2 || h.hopCount > Plan.MAX_HOPS
                || plan.length != Plan.size(plan, h.hopCount)
                || Plan.hop(plan, h.hopCount - 1).tokenOut != h.startToken || !Plan.canonical(plan, h.hopCount)
        ) revert BadPlan();
        if (block.number != h.targetBlock) revert WrongBlock(h.targetBlock, block.number);
        if (h.startToken != WETH && !isStartToken[h.startToken]) revert StartTokenNotAllowed(h.startToken);
        // Checked before any swap, so such a plan costs the least gas; from here on the plan's share is
        // min(plan, owner cap), which the payment checks use.
        uint256 ownerCap = maxBuilderShareBps;
        if (h.maxBuilderShareBps > ownerCap) revert BuilderShareAboveOwnerCap(h.maxBuilderShareBps, ownerCap);
    }

    /// @dev One sized leg, checked and read before any swap: its first hop and pool, the table's input at the sized
    ///      pool's live key (0 when the key is outside the table), the key, and the table's builder share.
    struct SizedLeg {
        Plan.Hop first;
        address firstPool;
        uint256 amountIn;
        uint256 key;
        uint256 shareBps;
    }

    function _sizedLeg(bytes calldata plan, Plan.Header memory h, bytes calldata sizing) private view returns (SizedLeg memory leg) {
        if (h.flash) revert FlashPlanNotSizable();
        if (h.builderPayment != 0) revert FixedBuilderPaymentInSizedPlan();
        (Sizing.Header memory s, bool wellFormed) = Sizing.header(sizing);
        if (!wellFormed || s.hopIndex >= h.hopCount) revert BadSizing();
        if (s.builderShareBps > h.maxBuilderShareBps) revert BuilderShareAbovePlanCap(s.builderShareBps, h.maxBuilderShareBps);
        if (s.builderShareBps != 0 && h.startToken != WETH) revert BuilderPaymentNeedsWeth();

        leg.first = Plan.hop(plan, 0);
        leg.firstPool = _pool(leg.first, h.startToken);
        Plan.Hop memory sized = leg.first;
        address sizedPool = leg.firstPool;
        if (s.hopIndex != 0) {
            sized = Plan.hop(plan, s.hopIndex);
            sizedPool = _pool(sized, Plan.hop(plan, s.hopIndex - 1).tokenOut);
        }
        if (sizedPool != s.pool) revert SizingPoolNotInPlan(s.pool);
        // A V4 hop's pool is an entry of the PoolManager: its table must name that entry (and only such a table may).
        if (sized.v4 != s.hasPoolId) revert BadSizing();
        uint256 key;
        if (sized.v4) {
            address sizedIn = s.hopIndex == 0 ? h.startToken : Plan.hop(plan, s.hopIndex - 1).tokenOut;
            key = _v4SizingKey(plan, sized, sizedIn, sizedPool, s.poolId);
        } else if (sized.v3) {
            (key,,,,,,) = IUniswapV3Pool(sizedPool).slot0();
        } else {
            (key,,) = IUniswapV2Pair(sizedPool).getReserves();
        }
        (leg.key, leg.amountIn) = (key, _sizedAmount(sizing, s.count, key, h.amountIn));
        leg.shareBps = s.builderShareBps;
    }

    /// @dev Runs a checked sized leg from inventory.
    function _runSizedLeg(bytes calldata plan, Plan.Header memory h, SizedLeg memory leg) private {
        if (!leg.first.v3 && !leg.first.v4) h.startToken.transfer(leg.firstPool, leg.amountIn);
        _runHops(plan, 0, h.hopCount, h.startToken, leg.first, leg.firstPool, leg.amountIn);
    }

    /// @dev Runs a leg executeSizedLegs checked and sized before any swap: its plan is decoded again rather than kept
    ///      (cheaper than memory arrays of structs).
    function _runCheckedLeg(bytes calldata plan, address firstPool, uint256 amountIn) private {
        _runSizedLeg(plan, Plan.header(plan), SizedLeg(Plan.hop(plan, 0), firstPool, amountIn, 0, 0));
    }

    /// @dev The sized calls' end: the realised profit less the builder's share of it must reach `floor`; the share
    ///      goes to block.coinbase in ETH.
    function _settleShare(address startToken, uint256 balanceBefore, uint256 floor, uint256 shareBps) private {
        uint256 balanceAfter = startToken.balanceOf(address(this));
        if (balanceAfter < balanceBefore + floor) {
            revert InsufficientProfit(int256(balanceAfter) - int256(balanceBefore), floor);
        }
        uint256 profit = balanceAfter - balanceBefore;
        uint256 payment = profit * shareBps / 10_000;
        if (profit - payment < floor) revert InsufficientProfit(int256(profit), floor + payment);
        if (payment != 0) _payBuilder(payment);
    }

    /// @dev The table's input at the live `key`, capped at `ceiling` (the plan's amountIn); 0 when the key is outside
    ///      the table; reverts BadSizing on unsorted keys.
    function _sizedAmount(bytes calldata sizing, uint256 count, uint256 key, uint256 ceiling) private pure returns (uint256 amount) {
        bool sorted;
        bool inRange;
        (sorted, inRange, amount) = Sizing.amountAt(sizing, count, key);
        if (!sorted) revert BadSizing();
        if (!inRange) return 0;
        if (amount > ceiling) amount = ceiling;
    }

    /// @dev A V4 sized hop's key: the sqrtPriceX96 of the hop's own pool, read from `manager` (the owner's
    ///      PoolManager, as _pool derived it) at StateLibrary's slot0 of the pool (keccak256(poolId, POOLS_SLOT = 6)),
    ///      its low 160 bits. The id is recomputed from the plan's key (checked as for a swap: hooks allowed,
    ///      currencies ordered), and the table's id must be it.
    function _v4SizingKey(bytes calldata plan, Plan.Hop memory hop, address tokenIn, address manager, bytes32 tableId)
        private
        view
        returns (uint256)
    {
        (V4PoolKey memory key, bool ok) = _v4Key(plan, hop, tokenIn, WETH);
        if (!ok) revert BadPlan();
        bytes32 id = keccak256(abi.encode(key));
        if (id != tableId) revert SizingPoolIdNotInPlan(tableId);
        return uint160(uint256(IV4PoolManager(manager).extsload(keccak256(abi.encode(id, uint256(6))))));
    }

    /// @dev Pays block.coinbase `amount` in ETH, unwrapped from WETH (relays require the bid as an ETH transfer).
    function _payBuilder(uint256 amount) private {
        IWETH(WETH).withdraw(amount);
        (bool paid,) = block.coinbase.call{value: amount}("");
        if (!paid) revert BuilderPaymentFailed();
        emit BuilderPaid(block.coinbase, amount);
    }

    /// @dev Runs hops [from, to) with `amount` of input already where hop `from` (`hop`, in `pool`) takes it: in its
    ///      pair for V2, here for V3 (paid in the callback) and V4 (settled). Each hop's output goes straight to a V2
    ///      next pair.
    function _runHops(
        bytes calldata plan,
        uint256 from,
        uint256 to,
        address tokenIn,
        Plan.Hop memory hop,
        address pool,
        uint256 amount
    ) private {
        for (uint256 i = from; i < to; ++i) {
            Plan.Hop memory next;
            address nextPool;
            address recipient = address(this);
            if (i + 1 < to) {
                next = Plan.hop(plan, i + 1);
                nextPool = _pool(next, hop.tokenOut);
                if (!next.v3 && !next.v4) recipient = nextPool;
            }
            if (hop.v4) amount = _hopV4(plan, pool, hop, tokenIn, amount, recipient, "");
            else amount = hop.v3 ? _swapV3(pool, hop, tokenIn, amount, recipient, "") : _swapV2(pool, hop, amount, recipient);
            (tokenIn, hop, pool) = (hop.tokenOut, next, nextPool);
        }
    }

    /// @dev The pool a hop swaps in, proven real: recomputed from a registered factory, or listed by the owner; for a
    ///      V4 hop the owner's PoolManager (its key is checked when it swaps, see _hopV4).
    function _pool(Plan.Hop memory hop, address tokenIn) private view returns (address) {
        if (hop.v4) return _v4Manager();
        (address token0, address token1) = hop.zeroForOne ? (tokenIn, hop.tokenOut) : (hop.tokenOut, tokenIn);
        // Pools order their tokens: a plan with zeroForOne the wrong way round names no pool.
        if (token0 >= token1) revert BadPlan();
        if (hop.listed) {
            if (_listing[hop.source] != _listingKey(hop.v3, token0, token1, uint24(hop.fee))) revert PoolNotListed(hop.source);
            return hop.source;
        }
        return _canonicalPool(hop.source, hop.v3, token0, token1, uint24(hop.fee));
    }

    function _canonicalPool(address factory, bool v3, address token0, address token1, uint24 fee)
        private
        view
        returns (address)
    {
        bytes32 initCodeHash = _initCodeHash[factory][_venueKey(v3, fee)];
        if (initCodeHash == 0) revert FactoryNotRegistered(factory, v3, v3 ? 0 : fee);
        // A V3 fee tier the factory never enabled gives an address without code: the swap call then reverts.
        return v3 ? PoolAddress.v3(factory, initCodeHash, token0, token1, fee) : PoolAddress.v2(factory, initCodeHash, token0, token1);
    }

    function _setMaxBuilderShareBps(uint16 bps) private {
        if (bps > 10_000) revert BuilderShareCapTooHigh(bps);
        maxBuilderShareBps = bps;
        emit MaxBuilderShareBpsSet(bps);
    }

    function _registerFactory(address factory, bool v3, uint24 v2FeeBps, bytes32 initCodeHash) private {
        if (factory == address(0) || initCodeHash == 0 || (v3 ? v2FeeBps != 0 : v2FeeBps >= 10_000)) revert BadRegistration();
        _initCodeHash[factory][_venueKey(v3, v2FeeBps)] = initCodeHash;
        emit FactoryRegistered(factory, v3, v2FeeBps, initCodeHash);
    }

    /// @dev V3 factories are registered once for all fee tiers (the tier is in the salt); a V2-style factory with
    ///      its pairs' fee, so a plan cannot price a pair with a fee the owner did not register.
    function _venueKey(bool v3, uint256 fee) private pure returns (uint256) {
        return v3 ? V3_VENUE : fee;
    }

    function _listingKey(bool v3, address token0, address token1, uint24 fee) private pure returns (bytes32) {
        return keccak256(abi.encode(v3, token0, token1, fee));
    }

    function _v2AmountOut(address pool, Plan.Hop memory hop, uint256 amountIn) private view returns (uint256) {
        (uint256 reserve0, uint256 reserve1,) = IUniswapV2Pair(pool).getReserves();
        (uint256 reserveIn, uint256 reserveOut) = hop.zeroForOne ? (reserve0, reserve1) : (reserve1, reserve0);
        uint256 inWithFee = amountIn * (10_000 - hop.fee);
        return inWithFee * reserveOut / (reserveIn * 10_000 + inWithFee);
    }

    function _swapV2(address pool, Plan.Hop memory hop, uint256 amountIn, address recipient) private returns (uint256 out) {
        out = _v2AmountOut(pool, hop, amountIn);
        (uint256 out0, uint256 out1) = hop.zeroForOne ? (uint256(0), out) : (out, uint256(0));
        IUniswapV2Pair(pool).swap(out0, out1, recipient, "");
    }

    /// @dev Records what the callback may pay (this hop's input token, at most `amountIn`), then swaps.
    function _swapV3(address pool, Plan.Hop memory hop, address tokenIn, uint256 amountIn, address recipient, bytes memory data)
        private
        returns (uint256 out)
    {
        if (amountIn > uint256(type(int256).max)) revert BadPlan();
        _tstore(EXPECTED_POOL_SLOT, uint160(pool));
        _tstore(PAY_TOKEN_SLOT, uint256(uint160(tokenIn)) | (hop.zeroForOne ? 1 << 160 : 0));
        _tstore(AMOUNT_SLOT, amountIn);
        (int256 amount0, int256 amount1) = IUniswapV3Pool(pool).swap(
            recipient,
            hop.zeroForOne,
            int256(amountIn),
            hop.zeroForOne ? MIN_SQRT_RATIO_PLUS_ONE : MAX_SQRT_RATIO_MINUS_ONE,
            data
        );
        _tstore(EXPECTED_POOL_SLOT, 0);
        out = uint256(-(hop.zeroForOne ? amount1 : amount0));
    }

    /// @dev A V4 hop: its key checked (BadPlan when malformed), then swapped in `manager` and settled.
    function _hopV4(
        bytes calldata plan,
        address manager,
        Plan.Hop memory hop,
        address tokenIn,
        uint256 amountIn,
        address recipient,
        bytes memory flashPlan
    ) private returns (uint256) {
        (V4PoolKey memory key, bool ok) = _v4Key(plan, hop, tokenIn, WETH);
        if (!ok) revert BadPlan();
        return _swapV4(manager, key, hop.zeroForOne, amountIn, recipient, flashPlan);
    }

    /// @dev A V4 flash first hop's output is at its recipient (the next V2 pair or here): run hops 1.. with it. The
    ///      plan must be the running one, once, as for the other flash callbacks.
    function _v4FlashRest(bytes calldata plan, uint256 out) internal override {
        _acceptFlashPlan(plan);
        Plan.Header memory h = Plan.header(plan);
        Plan.Hop memory first = Plan.hop(plan, 0);
        Plan.Hop memory next = Plan.hop(plan, 1);
        _runHops(plan, 1, h.hopCount, first.tokenOut, next, _pool(next, first.tokenOut), out);
    }

    /// @dev Flash mode with the input borrowed from the V4 PoolManager (native ETH if the plan says so, for WETH).
    function _borrowFromV4(bytes calldata plan, address startToken, uint256 amountIn) private {
        bool native = Plan.headerFlags(plan) & Plan.FLAG_V4_LOAN_NATIVE != 0;
        if (native && startToken != WETH) revert BadPlan();
        _v4Borrow(_v4Manager(), native ? address(0) : startToken, amountIn, plan);
    }

    /// @dev The cycle a V4 loan finances: run from inventory (the loan is here), once, as the running plan.
    function _v4LoanRun(bytes calldata plan) internal override {
        _acceptFlashPlan(plan);
        Plan.Header memory h = Plan.header(plan);
        Plan.Hop memory first = Plan.hop(plan, 0);
        address firstPool = _pool(first, h.startToken);
        if (!first.v3 && !first.v4) h.startToken.transfer(firstPool, h.amountIn);
        _runHops(plan, 0, h.hopCount, h.startToken, first, firstPool, h.amountIn);
    }

    function _v4Weth() internal view override returns (address) {
        return WETH;
    }

    function _v4OnlyOwner() internal view override {
        _onlyOwner();
    }

    /// @dev A callback is valid once, from the pool being called right now.
    function _acceptCallback() private {
        uint256 expected = _tload(EXPECTED_POOL_SLOT);
        if (expected == 0 || msg.sender != address(uint160(expected))) revert UnexpectedCallback(msg.sender);
        _tstore(EXPECTED_POOL_SLOT, 0);
    }

    /// @dev Flash-mode callback data must be the plan `execute` is running, once.
    function _acceptFlashPlan(bytes calldata data) private {
        uint256 expected = _tload(FLASH_PLAN_SLOT);
        if (expected == 0 || uint256(keccak256(data)) != expected) revert FlashPlanMismatch();
        _tstore(FLASH_PLAN_SLOT, 0);
    }

    function _onlyOwner() private view {
        if (msg.sender != owner) revert NotOwner();
    }

    function _tload(uint256 slot) private view returns (uint256 value) {
        assembly ("memory-safe") {
            value := tload(slot)
        }
    }

    function _tstore(uint256 slot, uint256 value) private {
        assembly ("memory-safe") {
            tstore(slot, value)
        }
    }
}
