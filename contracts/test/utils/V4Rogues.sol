// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {V4Key} from "./V4Fixture.sol";

interface IUnlockCallbackTarget {
    function unlockCallback(bytes calldata data) external returns (bytes memory);
    function execute(bytes calldata plan) external;
}

struct V4SwapParamsLike {
    bool zeroForOne;
    int256 amountSpecified;
    uint160 sqrtPriceLimitX96;
}

/// @notice A contract posing as the PoolManager (the owner set it by mistake, or it hopes to be called): it calls
///         the executor's unlockCallback with forged data, twice, or answers swaps with deltas that claim the
///         wrong currency, more than the hop's input, or an output it never pays.
contract ImpostorPoolManager {
    enum Mode {
        ForgeData,
        CallbackTwice,
        WrongCurrency,
        AboveOwed,
        NeverPays
    }

    Mode public mode;
    bytes internal lastData;

    function setMode(Mode mode_) external {
        mode = mode_;
    }

    function unlock(bytes calldata data) external returns (bytes memory) {
        if (mode == Mode.ForgeData) {
            // Same swap, a different recipient (this contract).
            bytes memory forged = bytes.concat(data);
            assembly {
                mstore(add(forged, add(0x20, 0xe0)), address())
            }
            return IUnlockCallbackTarget(msg.sender).unlockCallback(forged);
        }
        lastData = data;
        return IUnlockCallbackTarget(msg.sender).unlockCallback(data);
    }

    function swap(V4Key memory, V4SwapParamsLike memory params, bytes calldata) external returns (int256) {
        if (mode == Mode.CallbackTwice) IUnlockCallbackTarget(msg.sender).unlockCallback(lastData);
        int256 amountIn = -params.amountSpecified; // exact input: positive
        int128 inDelta = -int128(amountIn);
        int128 outDelta = int128(amountIn) * 4000;
        if (mode == Mode.WrongCurrency) (inDelta, outDelta) = (int128(amountIn), -int128(amountIn));
        if (mode == Mode.AboveOwed) inDelta = -int128(amountIn) - 1;
        (int128 amount0, int128 amount1) = params.zeroForOne ? (inDelta, outDelta) : (outDelta, inDelta);
        return (int256(amount0) << 128) | int256(uint256(uint128(amount1)));
    }

    function sync(address) external {}

    function settle() external payable returns (uint256) {
        return msg.value;
    }

    /// @dev Promises, never pays.
    function take(address, address, uint256) external {}
}

/// @notice A V4 hook (beforeSwap only) that, inside the executor's swap, calls the executor's unlockCallback with a
///         swap paying itself, and tries `execute`; it records whether either got through (and why not), and lets
///         the swap go on.
contract ReentrantHook {
    IUnlockCallbackTarget public executor;
    bytes public forged;
    bytes public plan;
    uint256 public attempts;
    uint256 public successes;
    /// @dev The revert data of the last refused unlockCallback and execute calls.
    bytes public callbackError;
    bytes public executeError;

    function arm(IUnlockCallbackTarget executor_, bytes calldata forged_, bytes calldata plan_) external {
        (executor, forged, plan) = (executor_, forged_, plan_);
    }

    function beforeSwap(address, V4Key calldata, V4SwapParamsLike calldata, bytes calldata)
        external
        returns (bytes4, int256, uint24)
    {
        if (address(executor) != address(0)) {
            attempts++;
            try executor.unlockCallback(forged) {
                successes++;
            } catch (bytes memory reason) {
                callbackError = reason;
            }
            attempts++;
            try executor.execute(plan) {
                successes++;
            } catch (bytes memory reason) {
                executeError = reason;
            }
        }
        return (ReentrantHook.beforeSwap.selector, 0, 0);
    }
}

interface ISyncLike {
    function sync(address currency) external;
}

/// @notice A V4 hook (beforeSwap only) that calls the PoolManager's `sync` on a token during the swap, as any token
///         transfer or hook running inside an unlock may: a native settle that does not `sync(address(0))` first
///         then reverts NonzeroNativeValue.
contract SyncingHook {
    address public token;

    function setToken(address token_) external {
        token = token_;
    }

    function beforeSwap(address, V4Key calldata, V4SwapParamsLike calldata, bytes calldata)
        external
        returns (bytes4, int256, uint24)
    {
        if (token != address(0)) ISyncLike(msg.sender).sync(token);
        return (SyncingHook.beforeSwap.selector, 0, 0);
    }
}
