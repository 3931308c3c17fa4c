// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {UniswapFixture, IV2PairFull, IV3PoolFull} from "../utils/UniswapFixture.sol";
import {MarketSeeder} from "../../src/devnet/MarketSeeder.sol";
import {StandardToken} from "../../src/devnet/StandardToken.sol";

interface IV3PoolState {
    function liquidity() external view returns (uint128);
}

interface IV2FactoryEvents {
    event PairCreated(address indexed token0, address indexed token1, address pair, uint256);
}

interface IV3FactoryEvents {
    event PoolCreated(address indexed token0, address indexed token1, uint24 indexed fee, int24 tickSpacing, address pool);
}

contract MarketSeederTest is UniswapFixture, IV2FactoryEvents, IV3FactoryEvents {
    MarketSeeder internal seeder;
    address internal a;
    address internal b;
    address internal c;

    function setUp() public {
        _deployUniswap();
        seeder = new MarketSeeder(address(this), v3Factory);
        a = _token("A");
        b = _token("B");
        c = _token("C");
        for (uint256 i; i < 3; ++i) _give([a, b, c][i], address(seeder), 1e30);
        _give(address(weth), address(seeder), 1e24);
    }

    function _sorted(address x, address y) internal pure returns (address, address) {
        return x < y ? (x, y) : (y, x);
    }

    function test_seedV2_createsPairsThroughTheFactoryWithExactReserves() public {
        MarketSeeder.V2Seed[] memory seeds = new MarketSeeder.V2Seed[](2);
        seeds[0] = MarketSeeder.V2Seed(a, b, 1000e18, 3e18);
        seeds[1] = MarketSeeder.V2Seed(c, address(weth), 5e18, 7e18);
        (address t0, address t1) = _sorted(a, b);
        vm.expectEmit(true, true, false, false, uniFactory);
        emit PairCreated(t0, t1, address(0), 1);
        address[] memory pairs = seeder.seedV2(uniFactory, seeds);
        assertEq(pairs.length, 2);
        (uint112 r0, uint112 r1,) = IV2PairFull(pairs[0]).getReserves();
        (uint256 wantA, uint256 wantB) = IV2PairFull(pairs[0]).token0() == a ? (r0, r1) : (r1, r0);
        assertEq(wantA, 1000e18);
        assertEq(wantB, 3e18);
        (r0, r1,) = IV2PairFull(pairs[1]).getReserves();
        assertEq(uint256(r0) + r1, 12e18);
        assertEq(StandardToken(a).balanceOf(address(seeder)), 1e30 - 1000e18);
    }

    function test_seedV3_createsInitializesAndMintsEveryPosition() public {
        (address t0, address t1) = _sorted(a, b);
        MarketSeeder.V3Seed[] memory seeds = new MarketSeeder.V3Seed[](1);
        MarketSeeder.V3Position[] memory positions = new MarketSeeder.V3Position[](2);
        positions[0] = MarketSeeder.V3Position(-887220, 887220, 1e18);
        positions[1] = MarketSeeder.V3Position(-600, 600, 3e18);
        seeds[0] = MarketSeeder.V3Seed(t0, t1, 3000, uint160(1 << 96), positions);
        uint256 before0 = StandardToken(t0).balanceOf(address(seeder));
        vm.expectEmit(true, true, true, false, v3Factory);
        emit PoolCreated(t0, t1, 3000, 60, address(0));
        address[] memory pools = seeder.seedV3(seeds);
        (uint160 sqrtPriceX96, int24 tick,,,,,) = IV3PoolFull(pools[0]).slot0();
        assertEq(sqrtPriceX96, 1 << 96);
        assertEq(tick, 0);
        assertEq(IV3PoolState(pools[0]).liquidity(), 4e18);
        uint256 paid0 = before0 - StandardToken(t0).balanceOf(address(seeder));
        assertEq(StandardToken(t0).balanceOf(pools[0]), paid0);
        assertGt(paid0, 0);
    }

    function test_seedV2_revertsForNonOwner() public {
        MarketSeeder.V2Seed[] memory seeds = new MarketSeeder.V2Seed[](0);
        vm.prank(address(0xBEEF));
        vm.expectRevert(abi.encodeWithSelector(MarketSeeder.NotOwner.selector, address(0xBEEF)));
        seeder.seedV2(uniFactory, seeds);
    }

    function test_seedV3_revertsForNonOwner() public {
        MarketSeeder.V3Seed[] memory seeds = new MarketSeeder.V3Seed[](0);
        vm.prank(address(0xBEEF));
        vm.expectRevert(abi.encodeWithSelector(MarketSeeder.NotOwner.selector, address(0xBEEF)));
        seeder.seedV3(seeds);
    }

    function test_uniswapV3MintCallback_refusesCallersOutsideAMint() public {
        vm.prank(address(0xBAD));
        vm.expectRevert(abi.encodeWithSelector(MarketSeeder.UnexpectedCallback.selector, address(0xBAD)));
        seeder.uniswapV3MintCallback(1, 1, abi.encode(a, b));
    }

    function test_seedV2_revertsWhenThePairExists() public {
        MarketSeeder.V2Seed[] memory seeds = new MarketSeeder.V2Seed[](2);
        seeds[0] = MarketSeeder.V2Seed(a, b, 1e18, 1e18);
        seeds[1] = MarketSeeder.V2Seed(b, a, 1e18, 1e18);
        vm.expectRevert(bytes("UniswapV2: PAIR_EXISTS"));
        seeder.seedV2(uniFactory, seeds);
    }

    function testFuzz_seedV2_reservesEqualDeposits(uint256 amountA, uint256 amountB) public {
        amountA = bound(amountA, 1e6, 1e30);
        amountB = bound(amountB, 1e6, 1e30);
        MarketSeeder.V2Seed[] memory seeds = new MarketSeeder.V2Seed[](1);
        seeds[0] = MarketSeeder.V2Seed(a, c, amountA, amountB);
        address pair = seeder.seedV2(sushiFactory, seeds)[0];
        (uint112 r0, uint112 r1,) = IV2PairFull(pair).getReserves();
        (uint256 gotA, uint256 gotB) = IV2PairFull(pair).token0() == a ? (r0, r1) : (r1, r0);
        assertEq(gotA, amountA);
        assertEq(gotB, amountB);
    }
}
