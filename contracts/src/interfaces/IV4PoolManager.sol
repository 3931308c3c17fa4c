// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice A Uniswap V4 pool key (PoolKey in v4-core): currency 0 (address(0) is native ETH) < currency 1.
struct V4PoolKey {
    address currency0;
    address currency1;
    uint24 fee;
    int24 tickSpacing;
    address hooks;
}

/// @notice SwapParams in v4-core: a negative amountSpecified is an exact input.
struct V4SwapParams {
    bool zeroForOne;
    int256 amountSpecified;
    uint160 sqrtPriceLimitX96;
}

/// @notice The part of the Uniswap V4 PoolManager the executor calls.
interface IV4PoolManager {
    function unlock(bytes calldata data) external returns (bytes memory);
    /// @return delta BalanceDelta: amount0 in the upper 128 bits, amount1 in the lower, from the caller's side
    ///         (negative = owed to the pool).
    function swap(V4PoolKey memory key, V4SwapParams memory params, bytes calldata hookData) external returns (int256 delta);
    function sync(address currency) external;
    function settle() external payable returns (uint256 paid);
    function take(address currency, address to, uint256 amount) external;
    /// @notice One storage slot of the PoolManager (Extsload): how a pool's slot0 is read without StateView.
    function extsload(bytes32 slot) external view returns (bytes32 value);
}
