// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title DevnetToken
/// @notice Minimal ERC20 core for the devnet's test tokens. Each token kind overrides `_move` to decide how
///         much a transfer really debits and credits, so the misbehaving kinds differ from the standard
///         one in exactly one place.
abstract contract DevnetToken {
    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    event Transfer(address indexed from, address indexed to, uint256 amount);
    event Approval(address indexed owner, address indexed spender, uint256 amount);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    error NotOwner();
    error InsufficientBalance(address account, uint256 balance, uint256 needed);
    error InsufficientAllowance(address owner, address spender, uint256 allowance, uint256 needed);

    /*//////////////////////////////////////////////////////////////
                                 STORAGE
    //////////////////////////////////////////////////////////////*/

    string public name;
    string public symbol;
    uint8 public immutable decimals;
    address public owner;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    constructor(string memory name_, string memory symbol_, uint8 decimals_, address owner_) {
        name = name_;
        symbol = symbol_;
        decimals = decimals_;
        owner = owner_;
    }

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner();
        _;
    }

    /*//////////////////////////////////////////////////////////////
                               OWNER ONLY
    //////////////////////////////////////////////////////////////*/

    /// @notice Creates `amount` new tokens for `to`.
    function mint(address to, uint256 amount) external onlyOwner {
        totalSupply += amount;
        balanceOf[to] += amount;
        emit Transfer(address(0), to, amount);
    }

    /*//////////////////////////////////////////////////////////////
                                 INTERNAL
    //////////////////////////////////////////////////////////////*/

    function _approve(address holder, address spender, uint256 amount) internal {
        allowance[holder][spender] = amount;
        emit Approval(holder, spender, amount);
    }

    function _spendAllowance(address holder, uint256 amount) internal {
        uint256 allowed = allowance[holder][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < amount) revert InsufficientAllowance(holder, msg.sender, allowed, amount);
            allowance[holder][msg.sender] = allowed - amount;
        }
    }

    function _debit(address from, uint256 amount) internal {
        uint256 balance = balanceOf[from];
        if (balance < amount) revert InsufficientBalance(from, balance, amount);
        unchecked {
            balanceOf[from] = balance - amount;
        }
    }

    /// @dev Moves `amount` from `from` to `to`. The standard behaviour; misbehaving tokens override it.
    function _move(address from, address to, uint256 amount) internal virtual {
        _debit(from, amount);
        balanceOf[to] += amount;
        emit Transfer(from, to, amount);
    }
}

/// @title ReturningToken
/// @notice The ERC20 surface that returns `true`, shared by every kind except the USDT-like one.
abstract contract ReturningToken is DevnetToken {
    constructor(string memory name_, string memory symbol_, uint8 decimals_, address owner_)
        DevnetToken(name_, symbol_, decimals_, owner_)
    {}

    /// @notice Standard ERC20 approve.
    function approve(address spender, uint256 amount) external returns (bool) {
        _approve(msg.sender, spender, amount);
        return true;
    }

    /// @notice Standard ERC20 transfer (subject to the kind's `_move`).
    function transfer(address to, uint256 amount) external returns (bool) {
        _move(msg.sender, to, amount);
        return true;
    }

    /// @notice Standard ERC20 transferFrom (subject to the kind's `_move`).
    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        _spendAllowance(from, amount);
        _move(from, to, amount);
        return true;
    }
}
