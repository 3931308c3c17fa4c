// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {UniswapFixture, IV2PairFull, IV3PoolFull} from "../utils/UniswapFixture.sol";
import {Executor} from "../../src/Executor.sol";

/// @notice A market with price gaps to trade, an executor holding WETH, and plan-building helpers.
abstract contract ExecutorBase is UniswapFixture {
    struct HopSpec {
        address pool;
        address tokenIn;
        address tokenOut;
        bool v3;
        uint24 v3Fee; // for quoting
        address router; // V2 router that quotes this pair (address(0) for V3)
        // How the plan names the pool (attack tests change these):
        uint24 fee; // the fee the plan states: V2 bps, V3 fee tier
        address factory; // the factory the plan names (address(0): the one that made the pool)
        bool listed; // the plan names the pool itself, as one the owner listed
    }

    Executor internal executor;
    address internal owner = makeAddr("owner");
    address internal operator = makeAddr("operator");
    address internal builder = makeAddr("builder");

    address internal usdc; // 18-decimal stand-ins; prices are what matter
    address internal dai;

    // Prices (1 WETH in USDC or DAI) leave a gap for every cycle below: sell WETH where it is dear, buy it back
    // where it is cheap.
    address internal uniWethUsdc; // 3000
    address internal sushiWethUsdc; // 3100
    address internal v3WethUsdc500; // 2950
    address internal v3WethUsdc3000; // 3080
    address internal uniUsdcDai; // 1 USDC = 1 DAI
    address internal uniWethDai; // 2900

    uint256 internal constant INVENTORY = 1_000 ether;
    /// @dev The owner's cap on the builder's share, as the deploy scripts default it.
    uint16 internal constant MAX_BUILDER_SHARE_BPS = 9_000;
    bytes32 internal constant V2_PAIR_INIT_CODE_HASH = 0x96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f;
    bytes32 internal constant V3_POOL_INIT_CODE_HASH = 0xe34f199b19b2b4f47f68442619d555527d244f78a3297ea89325f843f87b8b54;

    function setUp() public virtual {
        _deployUniswap();
        usdc = _token("USDC");
        dai = _token("DAI");
        uniWethUsdc = _v2Pool(uniFactory, address(weth), usdc, 1_000 ether, 3_000_000 ether);
        sushiWethUsdc = _v2Pool(sushiFactory, address(weth), usdc, 500 ether, 1_550_000 ether);
        v3WethUsdc500 = _v3Pool(address(weth), usdc, 500, 10, 2950, 1, uint128(_sqrt(800 ether * 2_360_000 ether)));
        v3WethUsdc3000 = _v3Pool(address(weth), usdc, 3000, 60, 3080, 1, uint128(_sqrt(800 ether * 2_464_000 ether)));
        uniUsdcDai = _v2Pool(uniFactory, usdc, dai, 2_000_000 ether, 2_000_000 ether);
        uniWethDai = _v2Pool(uniFactory, address(weth), dai, 1_000 ether, 2_900_000 ether);

        executor = new Executor(owner, operator, address(weth), _factories(), MAX_BUILDER_SHARE_BPS);
        _give(address(weth), address(executor), INVENTORY);
        vm.coinbase(builder);
        vm.roll(100);
    }

    /// @dev The fixture's factories: both V2 ones run Uniswap's pair bytecode (so Uniswap's init code hash).
    function _factories() internal view returns (Executor.Factory[] memory factories) {
        factories = new Executor.Factory[](3);
        factories[0] = Executor.Factory(uniFactory, false, 30, V2_PAIR_INIT_CODE_HASH);
        factories[1] = Executor.Factory(sushiFactory, false, 30, V2_PAIR_INIT_CODE_HASH);
        factories[2] = Executor.Factory(v3Factory, true, 0, V3_POOL_INIT_CODE_HASH);
    }

    function _hop(address pool, address tokenIn, address tokenOut, bool v3, uint24 v3Fee, address router)
        internal
        pure
        returns (HopSpec memory)
    {
        return HopSpec(pool, tokenIn, tokenOut, v3, v3Fee, router, v3 ? v3Fee : 30, address(0), false);
    }

    /// @dev Pools order their tokens by address.
    function _zeroForOne(HopSpec memory hop) internal pure returns (bool) {
        return hop.tokenIn < hop.tokenOut;
    }

    /// @dev Packs a plan exactly as src/bundle/plan.ts does (layout documented in Plan.sol).
    function _plan(
        bool flash,
        uint256 targetBlock,
        uint256 amountIn,
        uint256 minProfit,
        uint256 builderPayment,
        uint16 maxShareBps,
        HopSpec[] memory hops
    ) internal view returns (bytes memory plan) {
        plan = abi.encodePacked(
            uint8(flash ? 1 : 0),
            uint64(targetBlock),
            uint128(amountIn),
            uint128(minProfit),
            uint128(builderPayment),
            maxShareBps,
            hops[0].tokenIn,
            uint8(hops.length)
        );
        for (uint256 i; i < hops.length; ++i) {
            HopSpec memory hop = hops[i];
            uint8 flags = (hop.v3 ? 1 : 0) | (_zeroForOne(hop) ? 2 : 0) | (hop.listed ? 4 : 0);
            address source = hop.listed ? hop.pool : hop.factory != address(0) ? hop.factory : factoryOf[hop.pool];
            plan = abi.encodePacked(plan, source, hop.tokenOut, flags, hop.fee);
        }
    }

    function _simplePlan(HopSpec[] memory hops, uint256 amountIn, bool flash) internal view returns (bytes memory) {
        return _plan(flash, block.number, amountIn, 0, 0, 0, hops);
    }

    /// @dev Gross profit of a cycle as the real periphery quotes it, hop by hop on the current state.
    function _predictProfit(HopSpec[] memory hops, uint256 amountIn) internal returns (int256) {
        uint256 amount = amountIn;
        for (uint256 i; i < hops.length; ++i) {
            amount = _quote(hops[i].v3 ? address(0) : hops[i].router, hops[i].tokenIn, hops[i].tokenOut, hops[i].v3Fee, amount);
        }
        return int256(amount) - int256(amountIn);
    }

    function _two(HopSpec memory a, HopSpec memory b) internal pure returns (HopSpec[] memory hops) {
        hops = new HopSpec[](2);
        (hops[0], hops[1]) = (a, b);
    }

    function _three(HopSpec memory a, HopSpec memory b, HopSpec memory c) internal pure returns (HopSpec[] memory hops) {
        hops = new HopSpec[](3);
        (hops[0], hops[1], hops[2]) = (a, b, c);
    }

    // The cycles under test (each profitable on the fixture's prices).
    function _v2v2() internal view returns (HopSpec[] memory) {
        return _two(
            _hop(sushiWethUsdc, address(weth), usdc, false, 0, address(sushiRouter)),
            _hop(uniWethUsdc, usdc, address(weth), false, 0, address(uniRouter))
        );
    }

    function _v2v3() internal view returns (HopSpec[] memory) {
        return _two(
            _hop(uniWethUsdc, address(weth), usdc, false, 0, address(uniRouter)),
            _hop(v3WethUsdc500, usdc, address(weth), true, 500, address(0))
        );
    }

    function _v3v3() internal view returns (HopSpec[] memory) {
        return _two(
            _hop(v3WethUsdc3000, address(weth), usdc, true, 3000, address(0)),
            _hop(v3WethUsdc500, usdc, address(weth), true, 500, address(0))
        );
    }

    function _triangle() internal view returns (HopSpec[] memory) {
        return _three(
            _hop(uniWethUsdc, address(weth), usdc, false, 0, address(uniRouter)),
            _hop(uniUsdcDai, usdc, dai, false, 0, address(uniRouter)),
            _hop(uniWethDai, dai, address(weth), false, 0, address(uniRouter))
        );
    }

    function _wethOf(address account) internal view returns (uint256) {
        return weth.balanceOf(account);
    }
}
