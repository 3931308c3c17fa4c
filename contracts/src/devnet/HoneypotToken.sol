// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ReturningToken} from "./DevnetToken.sol";

/// @title HoneypotToken
/// @notice Buyable, not sellable: tokens may leave only the owner or a pool the owner registered, or go to the
///         owner. So anyone can buy from a pool, and nobody but the owner can ever sell back.
contract HoneypotToken is ReturningToken {
    error TransferBlocked(address from, address to);

    mapping(address => bool) public isPool;

    constructor(string memory name_, string memory symbol_, uint8 decimals_, address owner_)
        ReturningToken(name_, symbol_, decimals_, owner_)
    {}

    /// @notice Lets `pool` send tokens (so buys from it succeed).
    function setPool(address pool, bool allowed) external onlyOwner {
        isPool[pool] = allowed;
    }

    function _move(address from, address to, uint256 amount) internal override {
        if (from != owner && to != owner && !isPool[from]) revert TransferBlocked(from, to);
        super._move(from, to, amount);
    }
}
