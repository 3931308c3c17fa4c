// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title PoolAddress
/// @notice Where a factory deploys a pool (CREATE2), so the executor can tell a real pool from any other contract
///         without trusting the plan: address = keccak256(0xff ++ factory ++ salt ++ initCodeHash)[12:].
/// @dev Uniswap V2 and its forks salt a pair with keccak256(abi.encodePacked(token0, token1)); Uniswap V3 salts a
///      pool with keccak256(abi.encode(token0, token1, fee)). token0 < token1 in both.
library PoolAddress {
    /// @dev The pair of a Uniswap V2-style factory.
    function v2(address factory, bytes32 initCodeHash, address token0, address token1)
        internal
        pure
        returns (address pool)
    {
        bytes32 salt;
        assembly ("memory-safe") {
            mstore(0x00, shl(96, token0))
            mstore(0x14, shl(96, token1))
            salt := keccak256(0x00, 0x28)
        }
        pool = _create2(factory, salt, initCodeHash);
    }

    /// @dev The pool of a Uniswap V3 factory for one fee tier.
    function v3(address factory, bytes32 initCodeHash, address token0, address token1, uint24 fee)
        internal
        pure
        returns (address pool)
    {
        bytes32 salt;
        assembly ("memory-safe") {
            // 96 bytes past the free memory pointer, used as scratch and not kept.
            let ptr := mload(0x40)
            mstore(ptr, token0)
            mstore(add(ptr, 0x20), token1)
            mstore(add(ptr, 0x40), fee)
            salt := keccak256(ptr, 0x60)
        }
        pool = _create2(factory, salt, initCodeHash);
    }

    function _create2(address factory, bytes32 salt, bytes32 initCodeHash) private pure returns (address pool) {
        assembly ("memory-safe") {
            // 0xff ++ factory ++ salt ++ initCodeHash laid out at 0x00..0x55 (as solady does), then the part of
            // the free memory pointer's word it overwrote (always zero bytes) is zeroed again.
            mstore8(0x00, 0xff)
            mstore(0x35, initCodeHash)
            mstore(0x01, shl(96, factory))
            mstore(0x15, salt)
            pool := and(keccak256(0x00, 0x55), 0xffffffffffffffffffffffffffffffffffffffff)
            mstore(0x35, 0)
        }
    }
}
