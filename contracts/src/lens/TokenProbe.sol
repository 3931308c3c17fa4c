// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TokenTransfer} from "../libraries/TokenTransfer.sol";

interface IProbeWETH {
    function deposit() external payable;
    function transfer(address to, uint256 amount) external returns (bool);
}

interface IProbePair {
    function getReserves() external view returns (uint112, uint112, uint32);
    function token0() external view returns (address);
    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata data) external;
}

interface IProbeV3Pool {
    function token0() external view returns (address);
    function swap(address recipient, bool zeroForOne, int256 amountSpecified, uint160 sqrtPriceLimitX96, bytes calldata data)
        external
        returns (int256 amount0, int256 amount1);
}

interface IProbeToken {
    function balanceOf(address) external view returns (uint256);
    function transfer(address to, uint256 amount) external returns (bool);
}

/// @title TokenProbe
/// @notice A token safety check, run with `eth_call` and this contract's code put at an address by a state
///         override (nothing is deployed): buy the token from its WETH market (a V2 pair, or a V3 pool when it
///         trades only there), move it to another address, and sell it back, comparing every balance change
///         with what the market promised and the transfer amount. A fee-on-transfer token delivers less than
///         promised, a honeypot refuses the transfer or the sale, a token that lies about balances credits
///         less than its Transfer says.
contract TokenProbe {
    using TokenTransfer for address;

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice A swap callback from anything but the V3 pool this probe is swapping with at that moment.
    error UnexpectedCallback(address caller);

    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    struct Verdict {
        bool bought;
        uint256 promisedOut;
        uint256 received;
        bool moved;
        uint256 movedReceived;
        bool sold;
        uint256 pairReceived;
    }

    /*//////////////////////////////////////////////////////////////
                                 STORAGE
    //////////////////////////////////////////////////////////////*/

    uint160 private constant MIN_SQRT_RATIO = 4295128739;
    uint160 private constant MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342;

    /// @dev The V3 pool being swapped with (the only accepted callback caller) and the token it is paid in.
    address private _pool;
    address private _payToken;

    /*//////////////////////////////////////////////////////////////
                                 PROBES
    //////////////////////////////////////////////////////////////*/

    /// @notice Buys `token` for `msg.value` wei of WETH from the V2 `pair`, moves half, sells the rest back.
    /// @param feeBps The pair's swap fee (30 for Uniswap V2), used to compute what the pair promises.
    function probe(address weth, address pair, address token, uint256 feeBps) external payable returns (Verdict memory v) {
        (v.bought, v.promisedOut, v.received) = _buy(weth, pair, token, feeBps);
        if (!v.bought) return v;
        if (!_move(token, v)) return v;
        // Sell what is still held back to the pair: does it go, and does the pair get all of it?
        uint256 held = IProbeToken(token).balanceOf(address(this));
        if (held == 0) return v;
        uint256 pairBefore = IProbeToken(token).balanceOf(pair);
        try this.moveTo(token, pair, held) {
            v.sold = true;
            v.pairReceived = IProbeToken(token).balanceOf(pair) - pairBefore;
        } catch {}
    }

    /// @notice Buys `token` for `msg.value` wei of WETH through the V3 `pool`'s own swap (paid in its callback),
    ///         moves half, and sells the rest back through the same pool. `promisedOut` is what the pool says
    ///         it sent; `pairReceived` is the pool's balance gain from the sale.
    function probeV3(address weth, address pool, address token) external payable returns (Verdict memory v) {
        IProbeWETH(weth).deposit{value: msg.value}();
        bool wethIs0 = IProbeV3Pool(pool).token0() == weth;
        uint256 before = IProbeToken(token).balanceOf(address(this));
        (bool ok, int256 amount0, int256 amount1) = _swapV3(pool, weth, wethIs0, msg.value);
        if (!ok) return v;
        v.bought = true;
        v.promisedOut = uint256(-(wethIs0 ? amount1 : amount0));
        v.received = IProbeToken(token).balanceOf(address(this)) - before;
        if (!_move(token, v)) return v;
        uint256 held = IProbeToken(token).balanceOf(address(this));
        if (held == 0) return v;
        uint256 poolBefore = IProbeToken(token).balanceOf(pool);
        (v.sold,,) = _swapV3(pool, token, !wethIs0, held);
        if (v.sold) v.pairReceived = IProbeToken(token).balanceOf(pool) - poolBefore;
    }

    /*//////////////////////////////////////////////////////////////
                                CALLBACKS
    //////////////////////////////////////////////////////////////*/

    /// @notice Pays the V3 pool being swapped with what it is owed, in the token this probe is selling to it.
    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata) external {
        if (msg.sender != _pool || msg.sender == address(0)) revert UnexpectedCallback(msg.sender);
        _pool = address(0); // one payment per swap
        _payToken.transfer(msg.sender, uint256(amount0Delta > 0 ? amount0Delta : amount1Delta));
    }

    /// @dev Sends `amount` to `to` and reports what `to` was credited (external, so a revert is caught; for the
    ///      V2 sale the pair's balance change is read by the caller, since the pair's reserves are not synced).
    function moveTo(address token, address to, uint256 amount) external returns (uint256 credited) {
        require(msg.sender == address(this), "self only");
        uint256 before = IProbeToken(token).balanceOf(to);
        token.transfer(to, amount); // tolerates tokens that return nothing (USDT)
        credited = IProbeToken(token).balanceOf(to) - before;
    }

    /*//////////////////////////////////////////////////////////////
                                 INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev Moves half of what was bought to a holder that is neither the market nor the owner.
    function _move(address token, Verdict memory v) private returns (bool) {
        try this.moveTo(token, address(uint160(address(this)) ^ 0xdead), v.received / 2) returns (uint256 credited) {
            v.moved = true;
            v.movedReceived = credited;
            return true;
        } catch {
            return false;
        }
    }

    /// @dev An exact-input swap of `amountIn` of `payToken` on the V3 pool, as far as the price allows; a revert
    ///      (the token refusing the pool's transfer or the pool's balance check) is reported, not raised.
    function _swapV3(address pool, address payToken, bool zeroForOne, uint256 amountIn)
        private
        returns (bool ok, int256 amount0, int256 amount1)
    {
        (_pool, _payToken) = (pool, payToken);
        try IProbeV3Pool(pool).swap(
            address(this), zeroForOne, int256(amountIn), zeroForOne ? MIN_SQRT_RATIO + 1 : MAX_SQRT_RATIO - 1, ""
        ) returns (int256 a0, int256 a1) {
            (ok, amount0, amount1) = (true, a0, a1);
        } catch {}
        (_pool, _payToken) = (address(0), address(0));
    }

    function _buy(address weth, address pair, address token, uint256 feeBps)
        private
        returns (bool bought, uint256 promisedOut, uint256 received)
    {
        IProbeWETH(weth).deposit{value: msg.value}();
        bool tokenIs0 = IProbePair(pair).token0() == token;
        (uint256 r0, uint256 r1,) = IProbePair(pair).getReserves();
        (uint256 reserveIn, uint256 reserveOut) = tokenIs0 ? (r1, r0) : (r0, r1);
        uint256 inWithFee = msg.value * (10_000 - feeBps);
        promisedOut = inWithFee * reserveOut / (reserveIn * 10_000 + inWithFee);
        IProbeWETH(weth).transfer(pair, msg.value);
        uint256 before = IProbeToken(token).balanceOf(address(this));
        try IProbePair(pair).swap(tokenIs0 ? promisedOut : 0, tokenIs0 ? 0 : promisedOut, address(this), "") {
            bought = true;
            received = IProbeToken(token).balanceOf(address(this)) - before;
        } catch {}
    }
}
