// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {StandardToken} from "../../src/devnet/StandardToken.sol";

interface IWETH9 {
    function deposit() external payable;
    function transfer(address to, uint256 amount) external returns (bool);
    function approve(address spender, uint256 amount) external returns (bool);
    function balanceOf(address) external view returns (uint256);
    function allowance(address, address) external view returns (uint256);
}

interface IERC20Like {
    function transfer(address to, uint256 amount) external;
    function approve(address spender, uint256 amount) external;
    function balanceOf(address) external view returns (uint256);
    function allowance(address, address) external view returns (uint256);
}

interface IV2Factory {
    function createPair(address a, address b) external returns (address);
}

interface IV2PairFull {
    function token0() external view returns (address);
    function mint(address to) external returns (uint256);
    function getReserves() external view returns (uint112, uint112, uint32);
    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata data) external;
}

interface IV3Factory {
    function createPool(address a, address b, uint24 fee) external returns (address);
}

interface IV3PoolFull {
    function token0() external view returns (address);
    function token1() external view returns (address);
    function initialize(uint160 sqrtPriceX96) external;
    function mint(address recipient, int24 tickLower, int24 tickUpper, uint128 amount, bytes calldata data)
        external
        returns (uint256, uint256);
    function burn(int24 tickLower, int24 tickUpper, uint128 amount) external returns (uint256, uint256);
    function slot0() external view returns (uint160, int24, uint16, uint16, uint16, uint8, bool);
}

interface IRouter02 {
    function getAmountsOut(uint256 amountIn, address[] calldata path) external view returns (uint256[] memory);
    function swapExactTokensForTokens(uint256 amountIn, uint256 amountOutMin, address[] calldata path, address to, uint256 deadline)
        external
        returns (uint256[] memory);
}

interface IQuoterV2 {
    struct QuoteExactInputSingleParams {
        address tokenIn;
        address tokenOut;
        uint256 amountIn;
        uint24 fee;
        uint160 sqrtPriceLimitX96;
    }

    function quoteExactInputSingle(QuoteExactInputSingleParams memory params)
        external
        returns (uint256 amountOut, uint160, uint32, uint256);
}

/// @notice Mints and burns V3 liquidity (pays the pool in its callback), as a position manager would.
contract LiquidityProvider {
    function mint(address pool, int24 tickLower, int24 tickUpper, uint128 liquidity) external {
        IV3PoolFull(pool).mint(address(this), tickLower, tickUpper, liquidity, "");
    }

    function burn(address pool, int24 tickLower, int24 tickUpper, uint128 liquidity) external {
        IV3PoolFull(pool).burn(tickLower, tickUpper, liquidity);
    }

    function uniswapV3MintCallback(uint256 owed0, uint256 owed1, bytes calldata) external {
        if (owed0 > 0) IERC20Like(IV3PoolFull(msg.sender).token0()).transfer(msg.sender, owed0);
        if (owed1 > 0) IERC20Like(IV3PoolFull(msg.sender).token1()).transfer(msg.sender, owed1);
    }
}

/// @notice Real Uniswap contracts from the npm artifacts (mainnet bytecode): WETH9, two V2 factories (the
///         second stands for SushiSwap), Router02 for each, the V3 factory and QuoterV2.
abstract contract UniswapFixture is Test {
    IWETH9 internal weth;
    address internal uniFactory;
    address internal sushiFactory;
    IRouter02 internal uniRouter;
    IRouter02 internal sushiRouter;
    address internal v3Factory;
    IQuoterV2 internal quoter;
    LiquidityProvider internal liquidityProvider;
    /// @dev The factory that made each pool created here.
    mapping(address pool => address factory) internal factoryOf;

    function _deployArtifact(string memory path, bytes memory args) internal returns (address deployed) {
        bytes memory code = abi.encodePacked(vm.parseJsonBytes(vm.readFile(path), ".bytecode"), args);
        assembly {
            deployed := create(0, add(code, 0x20), mload(code))
        }
        require(deployed != address(0), path);
    }

    function _deployUniswap() internal {
        weth = IWETH9(_deployArtifact("node_modules/@uniswap/v2-periphery/build/WETH9.json", ""));
        uniFactory = _deployArtifact("node_modules/@uniswap/v2-core/build/UniswapV2Factory.json", abi.encode(address(this)));
        sushiFactory = _deployArtifact("node_modules/@uniswap/v2-core/build/UniswapV2Factory.json", abi.encode(address(this)));
        string memory router = "node_modules/@uniswap/v2-periphery/build/UniswapV2Router02.json";
        uniRouter = IRouter02(_deployArtifact(router, abi.encode(uniFactory, address(weth))));
        sushiRouter = IRouter02(_deployArtifact(router, abi.encode(sushiFactory, address(weth))));
        v3Factory = _deployArtifact(
            "node_modules/@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json", ""
        );
        quoter = IQuoterV2(
            _deployArtifact(
                "node_modules/@uniswap/swap-router-contracts/artifacts/contracts/lens/QuoterV2.sol/QuoterV2.json",
                abi.encode(v3Factory, address(weth))
            )
        );
        liquidityProvider = new LiquidityProvider();
    }

    function _token(string memory symbol) internal returns (address) {
        return address(new StandardToken(symbol, symbol, 18, address(this)));
    }

    /// @dev Gives `to` `amount` of `token`: WETH is wrapped, our tokens are minted.
    function _give(address token, address to, uint256 amount) internal {
        if (token == address(weth)) {
            vm.deal(address(this), amount);
            weth.deposit{value: amount}();
            weth.transfer(to, amount);
        } else {
            StandardToken(token).mint(to, amount);
        }
    }

    /// @dev A V2 pair on `factory` holding exactly `amountA` of a and `amountB` of b.
    function _v2Pool(address factory, address a, address b, uint256 amountA, uint256 amountB) internal returns (address pair) {
        pair = IV2Factory(factory).createPair(a, b);
        factoryOf[pair] = factory;
        _give(a, pair, amountA);
        _give(b, pair, amountB);
        IV2PairFull(pair).mint(address(this));
    }

    /// @dev A V3 pool at price "1 a = num/den b", with full-range liquidity L = sqrt(amountA * amountB).
    function _v3Pool(address a, address b, uint24 fee, int24 spacing, uint256 num, uint256 den, uint128 liquidity)
        internal
        returns (address pool)
    {
        pool = IV3Factory(v3Factory).createPool(a, b, fee);
        factoryOf[pool] = v3Factory;
        bool aIsToken0 = IV3PoolFull(pool).token0() == a;
        uint256 ratioX192 = aIsToken0 ? (num << 192) / den : (den << 192) / num;
        IV3PoolFull(pool).initialize(uint160(_sqrt(ratioX192)));
        int24 maxTick = (887272 / spacing) * spacing;
        _give(a, address(liquidityProvider), 1e30);
        _give(b, address(liquidityProvider), 1e30);
        liquidityProvider.mint(pool, -maxTick, maxTick, liquidity);
    }

    function _sqrt(uint256 x) internal pure returns (uint256 y) {
        if (x == 0) return 0;
        y = x;
        uint256 z = (x >> 1) + 1;
        while (z < y) {
            y = z;
            z = (x / z + z) >> 1;
        }
    }

    /// @dev What the real periphery says a single hop returns (Router02 for V2, QuoterV2 for V3).
    function _quote(address router, address tokenIn, address tokenOut, uint24 v3Fee, uint256 amountIn)
        internal
        returns (uint256)
    {
        if (router == address(0)) {
            (uint256 out,,,) = quoter.quoteExactInputSingle(
                IQuoterV2.QuoteExactInputSingleParams(tokenIn, tokenOut, amountIn, v3Fee, 0)
            );
            return out;
        }
        address[] memory path = new address[](2);
        (path[0], path[1]) = (tokenIn, tokenOut);
        return IRouter02(router).getAmountsOut(amountIn, path)[1];
    }
}
