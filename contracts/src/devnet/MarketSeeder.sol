// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TokenTransfer} from "../libraries/TokenTransfer.sol";

interface IUniswapV2FactoryLike {
    function createPair(address tokenA, address tokenB) external returns (address pair);
}

interface IUniswapV2PairLike {
    function mint(address to) external returns (uint256 liquidity);
}

interface IUniswapV3FactoryLike {
    function createPool(address tokenA, address tokenB, uint24 fee) external returns (address pool);
}

interface IUniswapV3PoolLike {
    function initialize(uint160 sqrtPriceX96) external;
    function mint(address recipient, int24 tickLower, int24 tickUpper, uint128 amount, bytes calldata data)
        external
        returns (uint256 amount0, uint256 amount1);
}

/// @title MarketSeeder
/// @notice Builds a devnet market of thousands of pools in few transactions: it creates pairs and pools through
///         the real Uniswap factories (so they emit PairCreated / PoolCreated like on mainnet) and adds the
///         liquidity from tokens minted to it beforehand. V2 liquidity goes in with the pair's own `mint`, V3
///         liquidity with the pool's own `mint` and this contract's callback: the real pool contracts hold all
///         the state. LP tokens and V3 positions stay with the seeder (nobody withdraws devnet liquidity).
contract MarketSeeder {
    using TokenTransfer for address;

    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice One V2 pair and its initial reserves (in the order of `tokenA`, `tokenB`).
    struct V2Seed {
        address tokenA;
        address tokenB;
        uint256 amountA;
        uint256 amountB;
    }

    /// @notice One V3 liquidity position.
    struct V3Position {
        int24 tickLower;
        int24 tickUpper;
        uint128 liquidity;
    }

    /// @notice One V3 pool: sorted tokens, fee tier, initial price and its positions.
    struct V3Seed {
        address token0;
        address token1;
        uint24 fee;
        uint160 sqrtPriceX96;
        V3Position[] positions;
    }

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    error NotOwner(address caller);
    error UnexpectedCallback(address caller);

    /*//////////////////////////////////////////////////////////////
                                 STORAGE
    //////////////////////////////////////////////////////////////*/

    address public immutable owner;
    IUniswapV3FactoryLike public immutable v3Factory;

    /// @dev The pool whose mint is in progress (transient): the only caller the callback pays.
    address private transient minting;

    constructor(address owner_, address v3Factory_) {
        owner = owner_;
        v3Factory = IUniswapV3FactoryLike(v3Factory_);
    }

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _;
    }

    /*//////////////////////////////////////////////////////////////
                               OWNER ONLY
    //////////////////////////////////////////////////////////////*/

    /// @notice Creates each pair with `factory` and deposits its reserves from this contract's balance.
    /// @param factory A Uniswap V2 factory (Uniswap's or SushiSwap's).
    /// @param seeds The pairs; a pair that exists already makes the whole call revert (the factory refuses).
    /// @return pairs The new pairs, in the order of `seeds`.
    function seedV2(address factory, V2Seed[] calldata seeds) external onlyOwner returns (address[] memory pairs) {
        pairs = new address[](seeds.length);
        for (uint256 i; i < seeds.length; ++i) {
            V2Seed calldata seed = seeds[i];
            address pair = IUniswapV2FactoryLike(factory).createPair(seed.tokenA, seed.tokenB);
            seed.tokenA.transfer(pair, seed.amountA);
            seed.tokenB.transfer(pair, seed.amountB);
            IUniswapV2PairLike(pair).mint(address(this));
            pairs[i] = pair;
        }
    }

    /// @notice Creates each pool with the V3 factory, initializes its price and mints its positions.
    /// @param seeds The pools; each must have sorted tokens and an enabled fee tier (the factory refuses otherwise).
    /// @return pools The new pools, in the order of `seeds`.
    function seedV3(V3Seed[] calldata seeds) external onlyOwner returns (address[] memory pools) {
        pools = new address[](seeds.length);
        for (uint256 i; i < seeds.length; ++i) {
            V3Seed calldata seed = seeds[i];
            address pool = v3Factory.createPool(seed.token0, seed.token1, seed.fee);
            IUniswapV3PoolLike(pool).initialize(seed.sqrtPriceX96);
            bytes memory tokens = abi.encode(seed.token0, seed.token1);
            minting = pool;
            for (uint256 p; p < seed.positions.length; ++p) {
                V3Position calldata position = seed.positions[p];
                IUniswapV3PoolLike(pool).mint(address(this), position.tickLower, position.tickUpper, position.liquidity, tokens);
            }
            minting = address(0);
            pools[i] = pool;
        }
    }

    /*//////////////////////////////////////////////////////////////
                                CALLBACKS
    //////////////////////////////////////////////////////////////*/

    /// @notice Pays a pool what a position minted by `seedV3` owes. Only the pool being minted may call.
    /// @param amount0Owed Token0 owed to the pool.
    /// @param amount1Owed Token1 owed to the pool.
    /// @param data abi.encode(token0, token1) of the pool.
    function uniswapV3MintCallback(uint256 amount0Owed, uint256 amount1Owed, bytes calldata data) external {
        if (msg.sender != minting || msg.sender == address(0)) revert UnexpectedCallback(msg.sender);
        (address token0, address token1) = abi.decode(data, (address, address));
        if (amount0Owed > 0) token0.transfer(msg.sender, amount0Owed);
        if (amount1Owed > 0) token1.transfer(msg.sender, amount1Owed);
    }
}
