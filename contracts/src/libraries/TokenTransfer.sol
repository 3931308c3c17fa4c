// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title TokenTransfer
/// @notice ERC20 transfer and balance reads that accept tokens returning nothing (USDT) and refuse calls to
///         addresses without code, a false return, or a revert.
library TokenTransfer {
    error TransferFailed(address token, address to, uint256 amount);
    error BalanceReadFailed(address token);

    /// @dev Succeeds iff the call succeeded and returned either nothing (from a contract) or `true`.
    function transfer(address token, address to, uint256 amount) internal {
        bool ok;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, 0xa9059cbb00000000000000000000000000000000000000000000000000000000)
            mstore(add(ptr, 4), to)
            mstore(add(ptr, 36), amount)
            ok := call(gas(), token, 0, ptr, 68, 0, 32)
            // returned exactly `true`, or returned nothing from an address that has code
            ok := and(ok, or(and(eq(mload(0), 1), gt(returndatasize(), 31)), and(iszero(returndatasize()), gt(extcodesize(token), 0))))
        }
        if (!ok) revert TransferFailed(token, to, amount);
    }

    function balanceOf(address token, address account) internal view returns (uint256 amount) {
        bool ok;
        assembly ("memory-safe") {
            mstore(0, 0x70a0823100000000000000000000000000000000000000000000000000000000)
            mstore(4, account)
            ok := staticcall(gas(), token, 0, 36, 0, 32)
            // (a separate statement: Yul evaluates arguments right to left)
            ok := and(ok, gt(returndatasize(), 31))
            amount := mload(0)
        }
        if (!ok) revert BalanceReadFailed(token);
    }
}
