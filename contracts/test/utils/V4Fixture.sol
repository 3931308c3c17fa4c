// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";

/// @notice A Uniswap V4 pool key as the PoolManager's ABI has it (currency 0 = native ETH).
struct V4Key {
    address currency0;
    address currency1;
    uint24 fee;
    int24 tickSpacing;
    address hooks;
}

struct V4ModifyLiquidityParams {
    int24 tickLower;
    int24 tickUpper;
    int256 liquidityDelta;
    bytes32 salt;
}

struct V4QuoteParams {
    V4Key poolKey;
    bool zeroForOne;
    uint128 exactAmount;
    bytes hookData;
}

interface IV4PoolManagerFull {
    function initialize(V4Key memory key, uint160 sqrtPriceX96) external returns (int24 tick);
    function unlock(bytes calldata data) external returns (bytes memory);
}

interface IV4ModifyLiquidityRouter {
    function modifyLiquidity(V4Key memory key, V4ModifyLiquidityParams memory params, bytes memory hookData)
        external
        payable
        returns (int256 delta);
}

interface IV4Quoter {
    function quoteExactInputSingle(V4QuoteParams memory params) external returns (uint256 amountOut, uint256 gasEstimate);
}

interface IApproveLike {
    function approve(address spender, uint256 amount) external returns (bool);
}

/// @notice The real Uniswap V4 PoolManager, its liquidity test router and the periphery's V4Quoter, deployed from
///         the npm artifacts (v4-core 1.0.2 `out/`, v4-periphery 1.0.3 `foundry-out/`).
abstract contract V4Fixture is Test {
    address internal poolManager;
    IV4ModifyLiquidityRouter internal v4LiquidityRouter;
    IV4Quoter internal v4Quoter;

    function _deployV4Artifact(string memory path, bytes memory args) internal returns (address deployed) {
        bytes memory code = abi.encodePacked(vm.parseJsonBytes(vm.readFile(path), ".bytecode.object"), args);
        assembly {
            deployed := create(0, add(code, 0x20), mload(code))
        }
        require(deployed != address(0), path);
    }

    /// @dev Deploys an artifact at `where` (a hook address carrying its permission bits), running its constructor
    ///      there so its immutables are its own (forge-std's deployCodeTo, from an npm artifact).
    function _deployV4ArtifactTo(string memory path, bytes memory args, address where) internal {
        vm.etch(where, abi.encodePacked(vm.parseJsonBytes(vm.readFile(path), ".bytecode.object"), args));
        (bool ok, bytes memory runtime) = where.call("");
        require(ok, path);
        vm.etch(where, runtime);
    }

    function _deployV4() internal {
        poolManager = _deployV4Artifact("node_modules/@uniswap/v4-core/out/PoolManager.sol/PoolManager.json", abi.encode(address(this)));
        v4LiquidityRouter = IV4ModifyLiquidityRouter(
            _deployV4Artifact(
                "node_modules/@uniswap/v4-core/out/PoolModifyLiquidityTest.sol/PoolModifyLiquidityTest.json",
                abi.encode(poolManager)
            )
        );
        v4Quoter = IV4Quoter(
            _deployV4Artifact("node_modules/@uniswap/v4-periphery/foundry-out/V4Quoter.sol/V4Quoter.json", abi.encode(poolManager))
        );
    }

    /// @dev A pool at price "1 currency0 = num/den currency1" with full-range liquidity `liquidity`; this contract
    ///      pays for it (it must hold the tokens; ETH is dealt).
    function _v4Pool(address currency0, address currency1, uint24 fee, int24 spacing, uint256 num, uint256 den, uint128 liquidity)
        internal
        returns (V4Key memory key)
    {
        require(currency0 < currency1, "currencies out of order");
        key = V4Key(currency0, currency1, fee, spacing, address(0));
        IV4PoolManagerFull(poolManager).initialize(key, uint160(_v4Sqrt((num << 192) / den)));
        if (currency0 != address(0)) IApproveLike(currency0).approve(address(v4LiquidityRouter), type(uint256).max);
        IApproveLike(currency1).approve(address(v4LiquidityRouter), type(uint256).max);
        int24 maxTick = (887272 / spacing) * spacing;
        uint256 ethIn = currency0 == address(0) ? 1e30 : 0;
        vm.deal(address(this), address(this).balance + ethIn);
        v4LiquidityRouter.modifyLiquidity{value: ethIn}(
            key, V4ModifyLiquidityParams(-maxTick, maxTick, int256(uint256(liquidity)), bytes32(0)), ""
        );
    }

    /// @dev What the periphery's V4Quoter says an exact-input swap returns on the current state.
    function _v4Quote(V4Key memory key, bool zeroForOne, uint256 amountIn) internal returns (uint256 out) {
        (out,) = v4Quoter.quoteExactInputSingle(V4QuoteParams(key, zeroForOne, uint128(amountIn), ""));
    }

    function _v4Sqrt(uint256 x) private pure returns (uint256 y) {
        if (x == 0) return 0;
        y = x;
        uint256 z = (x >> 1) + 1;
        while (z < y) {
            y = z;
            z = (x / z + z) >> 1;
        }
    }

    receive() external payable {}
}
