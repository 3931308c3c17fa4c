// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IV4PoolManager, V4PoolKey, V4SwapParams} from "./interfaces/IV4PoolManager.sol";
import {IWETH} from "./interfaces/IWETH.sol";
import {Plan} from "./libraries/Plan.sol";
import {TokenTransfer} from "./libraries/TokenTransfer.sol";

/// @title V4Legs
/// @notice The executor's Uniswap V4 hops: a swap in the PoolManager the owner set, inside an `unlock` this contract
///         started (or, when it is already inside its own unlock of that PoolManager, directly), with the deltas
///         settled at once: `sync` + transfer + `settle` for the input (native ETH unwrapped from WETH and paid as
///         value), `take` for the output (native ETH wrapped back into WETH).
/// @dev Safety model, on top of Executor's:
///      - The PoolManager is the owner's (`setPoolManager`); a plan cannot name another. Hooks are address(0) or
///        allowed by the owner (`setV4Hooks`), so a stolen operator key cannot route through a hook of its own.
///      - `unlockCallback` is accepted once, only from that PoolManager, only while this contract's own `unlock` is
///        running (a transient slot set just before the call and cleared on first use), and only with the data
///        this contract passed (its hash, also transient). The data is therefore this contract's own.
///      - What is paid comes from the PoolManager's returned delta, bounded: the input currency only, at most the
///        hop's input amount; the output currency must be owed to us. Anything else reverts. A native payment
///        syncs native ETH first, so a currency synced by a token or hook inside our unlock cannot block it.
///      - ETH is accepted only from WETH or from the PoolManager while its unlock runs (see Executor.receive).
abstract contract V4Legs {
    using TokenTransfer for address;

    /// @notice The owner set the PoolManager V4 hops swap in.
    /// @param poolManager The new PoolManager; address(0) disables V4 hops.
    event PoolManagerSet(address indexed poolManager);
    /// @notice The owner allowed or refused pools with a hooks contract.
    /// @param hooks The hooks contract (a pool key's `hooks`).
    /// @param allowed Whether plans may now name pools with it.
    event V4HooksSet(address indexed hooks, bool allowed);

    /// @notice A plan has a V4 hop or V4 loan, but no PoolManager is set.
    error V4Disabled();
    /// @notice A V4 hop names a pool whose hooks the owner has not allowed.
    /// @param hooks The hooks contract the hop named.
    error V4HooksNotAllowed(address hooks);
    /// @notice unlockCallback from a caller other than the PoolManager inside this contract's own unlock, or with
    ///         other data than this contract passed, or a second time.
    /// @param caller Who called.
    error V4UnexpectedCallback(address caller);
    /// @notice The PoolManager's swap delta claims the output currency or owes the input: it names the wrong sides.
    /// @param amountIn The input currency's delta (must be <= 0).
    /// @param amountOut The output currency's delta (must be >= 0).
    error V4ClaimInWrongCurrency(int256 amountIn, int256 amountOut);
    /// @notice The PoolManager's swap delta asks for more input than the hop put in.
    /// @param claimed What the delta asks for.
    /// @param owed The hop's input amount.
    error V4ClaimAboveOwed(uint256 claimed, uint256 owed);
    /// @notice A V4 amount does not fit the PoolManager's int128.
    /// @param amount The amount.
    error V4AmountTooLarge(uint256 amount);

    /// @notice The Uniswap V4 PoolManager V4 hops swap in; address(0) disables V4 hops.
    address public poolManager;
    /// @notice Hooks contracts (besides none) whose pools plans may name.
    mapping(address => bool) public isV4Hooks;

    /// @dev Transient: the PoolManager allowed to call unlockCallback now; the hash of the data it must carry; the
    ///      PoolManager whose unlock this contract is inside (swaps there settle directly; its ETH is accepted).
    uint256 private constant V4_EXPECTED_SLOT = 0x7d6ad0c6d2e3f2b8a1a4d1e0b7b5d0d1c3f1e2a4b6c8d0e2f4a6b8c0d2e4f6b1;
    uint256 private constant V4_DATA_SLOT = 0x7d6ad0c6d2e3f2b8a1a4d1e0b7b5d0d1c3f1e2a4b6c8d0e2f4a6b8c0d2e4f6b2;
    uint256 private constant V4_ACTIVE_SLOT = 0x7d6ad0c6d2e3f2b8a1a4d1e0b7b5d0d1c3f1e2a4b6c8d0e2f4a6b8c0d2e4f6b3;

    /// @dev abi.encode(V4Swap)'s size: 5 key words, zeroForOne, amountIn, recipient, loan.
    uint256 private constant V4_SWAP_SIZE = 9 * 32;

    uint160 private constant MIN_SQRT_PRICE_PLUS_ONE = 4295128740;
    uint160 private constant MAX_SQRT_PRICE_MINUS_ONE = 1461446703485210103287273052203988822378723970341;

    /// @dev One V4 swap, as this contract hands it to its own unlockCallback.
    struct V4Swap {
        V4PoolKey key;
        bool zeroForOne;
        uint256 amountIn;
        /// @dev Where the output goes (this contract or a V2 pair), as WETH when the output currency is native.
        address recipient;
        /// @dev A flash loan, not a swap: take `amountIn` of currency0 (= currency1; native ETH is wrapped), run the
        ///      plan, settle the same amount (zeroForOne false, so the "output" taken is currency0).
        bool loan;
    }

    /// @notice PoolManager unlock callback: runs the swap (or loan) this contract asked for, nothing else.
    /// @dev With a plan (flash mode, V4 first hop) it takes the output first, runs the rest of the cycle, and
    ///      settles the input last; for a loan it takes the plan's input, runs the whole cycle, and settles the same
    ///      amount. Either way the PoolManager lends for the length of the unlock, without a fee.
    /// @param data abi.encode(V4Swap, bytes plan) exactly as this contract passed to `unlock` (its hash is checked).
    /// @return abi.encode(uint256) the swap's output (0 for a loan).
    function unlockCallback(bytes calldata data) external returns (bytes memory) {
        uint256 expected = _v4Load(V4_EXPECTED_SLOT);
        if (expected == 0 || msg.sender != address(uint160(expected)) || uint256(keccak256(data)) != _v4Load(V4_DATA_SLOT)) {
            revert V4UnexpectedCallback(msg.sender);
        }
        _v4Store(V4_EXPECTED_SLOT, 0);
        _v4Store(V4_DATA_SLOT, 0);
        _v4Store(V4_ACTIVE_SLOT, uint160(msg.sender));
        // The data is this contract's own abi.encode(V4Swap, bytes) (its hash was checked): a static head of
        // V4_SWAP_SIZE bytes, then the offset of the flash plan.
        V4Swap memory s = abi.decode(data[:V4_SWAP_SIZE], (V4Swap));
        uint256 at = uint256(bytes32(data[V4_SWAP_SIZE:V4_SWAP_SIZE + 32]));
        uint256 length = uint256(bytes32(data[at:at + 32]));
        uint256 out;
        if (length == 0) {
            out = _v4SwapSettle(msg.sender, s);
        } else if (s.loan) {
            _v4Take(msg.sender, s, s.amountIn);
            _v4LoanRun(data[at + 32:at + 32 + length]);
            _v4Settle(msg.sender, s, s.amountIn);
        } else {
            uint256 owed;
            (owed, out) = _v4Swap(msg.sender, s);
            _v4Take(msg.sender, s, out);
            _v4FlashRest(data[at + 32:at + 32 + length], out);
            _v4Settle(msg.sender, s, owed);
        }
        _v4Store(V4_ACTIVE_SLOT, 0);
        return abi.encode(out);
    }

    /// @notice Sets the PoolManager V4 hops swap in (address(0) disables them). Owner only.
    /// @dev The hooks allowlist is not keyed by PoolManager: allowances made for the old one stay; review them.
    /// @param poolManager_ The Uniswap V4 PoolManager (mainnet 0x000000000004444c5dc75cB358380D2e3dE08A90).
    function setPoolManager(address poolManager_) external {
        _v4OnlyOwner();
        poolManager = poolManager_;
        emit PoolManagerSet(poolManager_);
    }

    /// @notice Allows or refuses pools with `hooks`. Owner only. A hook runs inside every swap of its pools and may
    ///         change their amounts: allow only hooks whose code was reviewed.
    /// @param hooks The hooks contract (a pool key's `hooks`); address(0), no hooks, is always allowed.
    /// @param allowed Whether plans may name pools with it.
    function setV4Hooks(address hooks, bool allowed) external {
        _v4OnlyOwner();
        isV4Hooks[hooks] = allowed;
        emit V4HooksSet(hooks, allowed);
    }

    /// @dev The PoolManager V4 hops swap in; reverts when V4 is disabled.
    function _v4Manager() internal view returns (address manager) {
        manager = poolManager;
        if (manager == address(0)) revert V4Disabled();
    }

    /// @dev A V4 hop's pool key, checked: hooks none or allowed; ok false (the executor reverts BadPlan) when the
    ///      trailer index is out of range, the native flag is on a hop without a WETH side, or the currencies are not
    ///      ordered as zeroForOne says.
    function _v4Key(bytes calldata plan, Plan.Hop memory hop, address tokenIn, address weth)
        internal
        view
        returns (V4PoolKey memory key, bool ok)
    {
        if (hop.source != address(0) && !isV4Hooks[hop.source]) revert V4HooksNotAllowed(hop.source);
        int24 tickSpacing;
        (tickSpacing, ok) = Plan.v4TickSpacing(plan, hop.v4Flags);
        address currencyIn = tokenIn;
        address currencyOut = hop.tokenOut;
        if (hop.v4Flags & 1 != 0) {
            if (currencyIn == weth) currencyIn = address(0);
            else if (currencyOut == weth) currencyOut = address(0);
            else ok = false;
        }
        (key.currency0, key.currency1) = hop.zeroForOne ? (currencyIn, currencyOut) : (currencyOut, currencyIn);
        if (key.currency0 >= key.currency1) ok = false;
        (key.fee, key.tickSpacing, key.hooks) = (uint24(hop.fee), tickSpacing, hop.source);
    }

    /// @dev Swaps `amountIn` on a V4 hop (input held here) and sends the output to `recipient`; `flashPlan` non-empty
    ///      for a flash first hop. Inside this contract's own unlock of `manager` it swaps and settles directly.
    function _swapV4(address manager, V4PoolKey memory key, bool zeroForOne, uint256 amountIn, address recipient, bytes memory flashPlan)
        internal
        returns (uint256 out)
    {
        if (amountIn > uint256(uint128(type(int128).max))) revert V4AmountTooLarge(amountIn);
        V4Swap memory s = V4Swap(key, zeroForOne, amountIn, recipient, false);
        if (flashPlan.length == 0 && _v4Load(V4_ACTIVE_SLOT) == uint160(manager)) return _v4SwapSettle(manager, s);
        out = _v4Unlock(manager, s, flashPlan);
    }

    /// @dev V4 as a flash source for any cycle: borrows `amount` of `currency` (address(0): native ETH, lent as WETH)
    ///      from the PoolManager, runs `plan` from inventory inside the unlock, and repays the same amount: no fee.
    function _v4Borrow(address manager, address currency, uint256 amount, bytes memory plan) internal {
        if (amount > uint256(uint128(type(int128).max))) revert V4AmountTooLarge(amount);
        V4Swap memory s;
        (s.key.currency0, s.key.currency1, s.amountIn, s.recipient, s.loan) = (currency, currency, amount, address(this), true);
        _v4Unlock(manager, s, plan);
    }

    function _v4Unlock(address manager, V4Swap memory s, bytes memory flashPlan) private returns (uint256 out) {
        bytes memory data = abi.encode(s, flashPlan);
        _v4Store(V4_EXPECTED_SLOT, uint160(manager));
        _v4Store(V4_DATA_SLOT, uint256(keccak256(data)));
        out = abi.decode(IV4PoolManager(manager).unlock(data), (uint256));
    }

    /// @dev Whether ETH from `sender` is expected: the PoolManager paying out inside our unlock.
    function _v4PaysEth(address sender) internal view returns (bool) {
        return sender == address(uint160(_v4Load(V4_ACTIVE_SLOT)));
    }

    /// @dev Runs the rest of a flash cycle (`plan`) whose V4 first hop produced `out` (at its recipient).
    function _v4FlashRest(bytes calldata plan, uint256 out) internal virtual;

    /// @dev Runs a whole cycle (`plan`) from inventory while a V4 loan of its input is out.
    function _v4LoanRun(bytes calldata plan) internal virtual;

    function _v4Weth() internal view virtual returns (address);

    function _v4OnlyOwner() internal view virtual;

    function _v4SwapSettle(address manager, V4Swap memory s) private returns (uint256 out) {
        uint256 owed;
        (owed, out) = _v4Swap(manager, s);
        _v4Settle(manager, s, owed);
        _v4Take(manager, s, out);
    }

    /// @dev The swap, exact input; returns what we owe (input currency, at most amountIn) and are owed (output).
    function _v4Swap(address manager, V4Swap memory s) private returns (uint256 owed, uint256 out) {
        int256 delta = IV4PoolManager(manager).swap(
            s.key,
            V4SwapParams(s.zeroForOne, -int256(s.amountIn), s.zeroForOne ? MIN_SQRT_PRICE_PLUS_ONE : MAX_SQRT_PRICE_MINUS_ONE),
            ""
        );
        int256 amount0 = delta >> 128;
        int256 amount1 = int256(int128(delta));
        (int256 inDelta, int256 outDelta) = s.zeroForOne ? (amount0, amount1) : (amount1, amount0);
        if (inDelta > 0 || outDelta < 0) revert V4ClaimInWrongCurrency(inDelta, outDelta);
        owed = uint256(-inDelta);
        if (owed > s.amountIn) revert V4ClaimAboveOwed(owed, s.amountIn);
        out = uint256(outDelta);
    }

    function _v4Settle(address manager, V4Swap memory s, uint256 owed) private {
        address currency = s.zeroForOne ? s.key.currency0 : s.key.currency1;
        if (currency == address(0)) {
            IWETH(_v4Weth()).withdraw(owed);
            // The PoolManager refuses value while another currency is synced (NonzeroNativeValue), and a token or
            // hook running inside our unlock may have synced one: reset to native first.
            IV4PoolManager(manager).sync(address(0));
            IV4PoolManager(manager).settle{value: owed}();
        } else {
            IV4PoolManager(manager).sync(currency);
            currency.transfer(manager, owed);
            IV4PoolManager(manager).settle();
        }
    }

    function _v4Take(address manager, V4Swap memory s, uint256 out) private {
        address currency = s.zeroForOne ? s.key.currency1 : s.key.currency0;
        if (currency == address(0)) {
            IV4PoolManager(manager).take(address(0), address(this), out);
            address weth = _v4Weth();
            IWETH(weth).deposit{value: out}();
            if (s.recipient != address(this)) weth.transfer(s.recipient, out);
        } else {
            IV4PoolManager(manager).take(currency, s.recipient, out);
        }
    }

    function _v4Load(uint256 slot) private view returns (uint256 value) {
        assembly ("memory-safe") {
            value := tload(slot)
        }
    }

    function _v4Store(uint256 slot, uint256 value) private {
        assembly ("memory-safe") {
            tstore(slot, value)
        }
    }
}
