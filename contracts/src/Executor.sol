// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IUniswapV2Pair} from "./interfaces/IUniswapV2Pair.sol";
import {IUniswapV3Pool} from "./interfaces/IUniswapV3Pool.sol";
import {IWETH} from "./interfaces/IWETH.sol";
import {Plan} from "./libraries/Plan.sol";
import {TokenTransfer} from "./libraries/TokenTransfer.sol";

/// @title Executor
/// @notice Runs one planned cycle of swaps across Uniswap V2-style pairs and V3 pools in a single call, keeps
///         the profit, pays the block builder, and reverts in every other case.
/// @dev Safety model:
///      - Only operators call `execute`; only the owner moves funds out or changes operators.
///      - Callbacks are accepted only from the pool the running `execute` is calling right now (a transient
///        slot set just before the swap and cleared on first use), and for V2 only with sender == this.
///      - Pools are paid by direct transfer; the executor never grants an approval.
///      - Profit is the start token's balance delta measured here; anything short of minProfit + builder
///        payment reverts, so a token that takes fees or lies about balances costs gas, never capital.
///      - The plan names its block; run in any other block (late, or replayed) it reverts.
contract Executor {
    using TokenTransfer for address;

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    event OperatorSet(address indexed operator, bool allowed);
    event Withdrawn(address indexed token, address indexed to, uint256 amount);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    error NotOwner();
    error NotOperator();
    error Reentered();
    error WrongBlock(uint256 targetBlock, uint256 currentBlock);
    error BadPlan();
    error UnexpectedCallback(address caller);
    error InsufficientProfit(int256 profit, uint256 required);
    error BuilderPaymentAboveCap(uint256 payment, uint256 cap);
    error BuilderPaymentNeedsWeth();
    error BuilderPaymentFailed();
    error EthTransferFailed();
    error EthNotAccepted();

    /*//////////////////////////////////////////////////////////////
                                 STATE
    //////////////////////////////////////////////////////////////*/

    address public immutable owner;
    address public immutable WETH;
    mapping(address => bool) public isOperator;

    /// @dev Transient slots: the pool allowed to call back now, the token a V3 callback pays, the lock.
    uint256 private constant EXPECTED_POOL_SLOT = 0x7d6ad0c6d2e3f2b8a1a4d1e0b7b5d0d1c3f1e2a4b6c8d0e2f4a6b8c0d2e4f6a1;
    uint256 private constant PAY_TOKEN_SLOT = 0x7d6ad0c6d2e3f2b8a1a4d1e0b7b5d0d1c3f1e2a4b6c8d0e2f4a6b8c0d2e4f6a2;
    uint256 private constant LOCK_SLOT = 0x7d6ad0c6d2e3f2b8a1a4d1e0b7b5d0d1c3f1e2a4b6c8d0e2f4a6b8c0d2e4f6a3;

    uint160 private constant MIN_SQRT_RATIO_PLUS_ONE = 4295128740;
    uint160 private constant MAX_SQRT_RATIO_MINUS_ONE = 1461446703485210103287273052203988822378723970341;

    constructor(address owner_, address operator_, address weth_) {
        owner = owner_;
        WETH = weth_;
        isOperator[operator_] = true;
        emit OperatorSet(operator_, true);
    }

    /// @dev Only WETH sends ETH here (when unwrapping the builder payment).
    receive() external payable {
        if (msg.sender != WETH) revert EthNotAccepted();
    }

    /*//////////////////////////////////////////////////////////////
                                EXECUTION
    //////////////////////////////////////////////////////////////*/

    /// @notice Runs a planned cycle (see Plan.sol for the encoding) and pays the builder out of its profit.
    /// @dev Reverts unless the start token's balance grows by at least minProfit + builderPayment in the
    ///      plan's target block, and unless builderPayment <= profit * maxBuilderShareBps / 10_000.
    /// @param plan The packed plan.
    function execute(bytes calldata plan) external {
        if (!isOperator[msg.sender]) revert NotOperator();
        if (_tload(LOCK_SLOT) != 0) revert Reentered();
        _tstore(LOCK_SLOT, 1);

        Plan.Header memory h = Plan.header(plan);
        if (
            plan.length < Plan.HEADER_SIZE || h.hopCount < 2 || h.hopCount > Plan.MAX_HOPS
                || plan.length != Plan.HEADER_SIZE + h.hopCount * Plan.HOP_SIZE
                || Plan.hop(plan, h.hopCount - 1).tokenOut != h.startToken
        ) revert BadPlan();
        if (block.number != h.targetBlock) revert WrongBlock(h.targetBlock, block.number);

        uint256 balanceBefore = h.startToken.balanceOf(address(this));
        Plan.Hop memory first = Plan.hop(plan, 0);
        if (h.flash) {
            // The whole cycle runs inside the first pool's callback, which then repays it.
            if (first.v3) {
                _swapV3(first, h.amountIn, _recipientAfter(plan, 0, h.hopCount), h.startToken, plan);
            } else {
                uint256 out = _v2AmountOut(first, h.amountIn);
                _tstore(EXPECTED_POOL_SLOT, uint160(first.pool));
                (uint256 out0, uint256 out1) = first.zeroForOne ? (uint256(0), out) : (out, uint256(0));
                IUniswapV2Pair(first.pool).swap(out0, out1, address(this), plan);
                _tstore(EXPECTED_POOL_SLOT, 0);
            }
        } else {
            if (!first.v3) h.startToken.transfer(first.pool, h.amountIn);
            _runHops(plan, 0, h.hopCount, h.startToken, h.amountIn);
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
            IWETH(WETH).withdraw(h.builderPayment);
            (bool paid,) = block.coinbase.call{value: h.builderPayment}("");
            if (!paid) revert BuilderPaymentFailed();
        }
        _tstore(LOCK_SLOT, 0);
    }

    /*//////////////////////////////////////////////////////////////
                                CALLBACKS
    //////////////////////////////////////////////////////////////*/

    /// @notice V3 swap callback: pays the pool the executor is swapping with right now, nobody else.
    /// @dev With plan data (flash mode) it first runs the rest of the cycle, then repays the first pool.
    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata data) external {
        _acceptCallback();
        uint256 owed = uint256(amount0Delta > 0 ? amount0Delta : amount1Delta);
        if (data.length == 0) {
            address(uint160(_tload(PAY_TOKEN_SLOT))).transfer(msg.sender, owed);
            return;
        }
        Plan.Header memory h = Plan.header(data);
        uint256 received = uint256(-(amount0Delta > 0 ? amount1Delta : amount0Delta));
        _runHops(data, 1, h.hopCount, h.startToken, received);
        h.startToken.transfer(msg.sender, owed);
    }

    /// @notice V2 flash-swap callback: only from the pair being flash-borrowed from, only for this executor's swap.
    /// @dev Runs the rest of the cycle with the borrowed output, then repays the pair its input.
    function uniswapV2Call(address sender, uint256 amount0, uint256 amount1, bytes calldata data) external {
        _acceptCallback();
        if (sender != address(this)) revert UnexpectedCallback(sender);
        Plan.Header memory h = Plan.header(data);
        uint256 received = amount0 + amount1;
        Plan.Hop memory next = Plan.hop(data, 1);
        // The borrowed output came here (a V2 pair calls back its `to`); a V2 next hop needs it in its pair.
        if (!next.v3) Plan.hop(data, 0).tokenOut.transfer(next.pool, received);
        _runHops(data, 1, h.hopCount, h.startToken, received);
        h.startToken.transfer(msg.sender, h.amountIn);
    }

    /*//////////////////////////////////////////////////////////////
                               OWNER ONLY
    //////////////////////////////////////////////////////////////*/

    /// @notice Moves funds out. `token` 0 means ETH.
    function withdraw(address token, address to, uint256 amount) external {
        if (msg.sender != owner) revert NotOwner();
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
        if (msg.sender != owner) revert NotOwner();
        isOperator[operator] = allowed;
        emit OperatorSet(operator, allowed);
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev Runs hops [from, to) with `amount` of input already where hop `from` takes it: in its pair for V2,
    ///      here for V3 (paid in the callback). Each hop's output goes straight to a V2 next pair.
    function _runHops(bytes calldata plan, uint256 from, uint256 to, address startToken, uint256 amount) private {
        for (uint256 i = from; i < to; ++i) {
            Plan.Hop memory hop = Plan.hop(plan, i);
            address recipient = _recipientAfter(plan, i, to);
            if (hop.v3) {
                amount = _swapV3(hop, amount, recipient, Plan.tokenIn(plan, i, startToken), "");
            } else {
                amount = _swapV2(hop, amount, recipient);
            }
        }
    }

    /// @dev Where hop `index` sends its output: the next pair if that is V2, else this contract.
    function _recipientAfter(bytes calldata plan, uint256 index, uint256 hopCount) private view returns (address) {
        if (index + 1 < hopCount) {
            Plan.Hop memory next = Plan.hop(plan, index + 1);
            if (!next.v3) return next.pool;
        }
        return address(this);
    }

    function _v2AmountOut(Plan.Hop memory hop, uint256 amountIn) private view returns (uint256) {
        (uint256 reserve0, uint256 reserve1,) = IUniswapV2Pair(hop.pool).getReserves();
        (uint256 reserveIn, uint256 reserveOut) = hop.zeroForOne ? (reserve0, reserve1) : (reserve1, reserve0);
        uint256 inWithFee = amountIn * (10_000 - hop.feeBps);
        return inWithFee * reserveOut / (reserveIn * 10_000 + inWithFee);
    }

    function _swapV2(Plan.Hop memory hop, uint256 amountIn, address recipient) private returns (uint256 out) {
        out = _v2AmountOut(hop, amountIn);
        (uint256 out0, uint256 out1) = hop.zeroForOne ? (uint256(0), out) : (out, uint256(0));
        IUniswapV2Pair(hop.pool).swap(out0, out1, recipient, "");
    }

    function _swapV3(Plan.Hop memory hop, uint256 amountIn, address recipient, address tokenIn, bytes memory data)
        private
        returns (uint256 out)
    {
        _tstore(EXPECTED_POOL_SLOT, uint160(hop.pool));
        if (data.length == 0) _tstore(PAY_TOKEN_SLOT, uint160(tokenIn));
        (int256 amount0, int256 amount1) = IUniswapV3Pool(hop.pool).swap(
            recipient,
            hop.zeroForOne,
            int256(amountIn),
            hop.zeroForOne ? MIN_SQRT_RATIO_PLUS_ONE : MAX_SQRT_RATIO_MINUS_ONE,
            data
        );
        _tstore(EXPECTED_POOL_SLOT, 0);
        out = uint256(-(hop.zeroForOne ? amount1 : amount0));
    }

    /// @dev A callback is valid once, from the pool being called right now.
    function _acceptCallback() private {
        uint256 expected = _tload(EXPECTED_POOL_SLOT);
        if (expected == 0 || msg.sender != address(uint160(expected))) revert UnexpectedCallback(msg.sender);
        _tstore(EXPECTED_POOL_SLOT, 0);
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
