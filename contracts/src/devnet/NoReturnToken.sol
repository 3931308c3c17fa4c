// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DevnetToken} from "./DevnetToken.sol";

/// @title NoReturnToken
/// @notice USDT-like: `transfer`, `transferFrom` and `approve` return nothing, and `approve` refuses to change
///         a non-zero allowance to another non-zero value. Callers that expect a bool revert on it.
contract NoReturnToken is DevnetToken {
    error ApproveFromNonZero(uint256 current);

    constructor(string memory name_, string memory symbol_, uint8 decimals_, address owner_)
        DevnetToken(name_, symbol_, decimals_, owner_)
    {}

    /// @notice Approve without a return value; non-zero to non-zero is refused, as USDT does.
    function approve(address spender, uint256 amount) external {
        uint256 current = allowance[msg.sender][spender];
        if (amount != 0 && current != 0) revert ApproveFromNonZero(current);
        _approve(msg.sender, spender, amount);
    }

    /// @notice Transfer without a return value.
    function transfer(address to, uint256 amount) external {
        _move(msg.sender, to, amount);
    }

    /// @notice TransferFrom without a return value.
    function transferFrom(address from, address to, uint256 amount) external {
        _spendAllowance(from, amount);
        _move(from, to, amount);
    }
}
