// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ExecutorBase} from "./ExecutorBase.sol";
import {Executor} from "../../src/Executor.sol";
import {IERC20Like} from "../utils/UniswapFixture.sol";

/// @notice The owner's registry: factories, listed pools and start tokens decide what a plan may name.
contract ExecutorRegistryTest is ExecutorBase {
    uint256 internal constant AMOUNT_IN = 5 ether;

    function _runAsOperator(bytes memory plan) internal {
        vm.prank(operator);
        executor.execute(plan);
    }

    function test_constructor_registersOnlyTheGivenFactories() public view {
        assertEq(executor.initCodeHashOf(uniFactory, false, 30), V2_PAIR_INIT_CODE_HASH);
        assertEq(executor.initCodeHashOf(sushiFactory, false, 30), V2_PAIR_INIT_CODE_HASH);
        assertEq(executor.initCodeHashOf(v3Factory, true, 0), V3_POOL_INIT_CODE_HASH);
        assertEq(executor.initCodeHashOf(uniFactory, false, 25), bytes32(0));
        assertEq(executor.initCodeHashOf(uniFactory, true, 0), bytes32(0));
        assertEq(executor.initCodeHashOf(v3Factory, false, 30), bytes32(0));
        assertFalse(executor.isStartToken(usdc));
    }

    function test_constructor_withNoFactoriesRunsNothing() public {
        Executor bare = new Executor(owner, operator, address(weth), new Executor.Factory[](0), MAX_BUILDER_SHARE_BPS);
        _give(address(weth), address(bare), 10 ether);
        bytes memory plan = _simplePlan(_v2v2(), AMOUNT_IN, false);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(Executor.FactoryNotRegistered.selector, sushiFactory, false, uint24(30)));
        bare.execute(plan);
    }

    function test_constructor_refusesBuilderShareCapAboveTenThousand() public {
        vm.expectRevert(abi.encodeWithSelector(Executor.BuilderShareCapTooHigh.selector, uint256(10_001)));
        new Executor(owner, operator, address(weth), _factories(), 10_001);
    }

    function test_poolFor_isTheFactoryPool() public view {
        assertEq(executor.poolFor(uniFactory, false, usdc, address(weth), 30), uniWethUsdc);
        assertEq(executor.poolFor(sushiFactory, false, address(weth), usdc, 30), sushiWethUsdc);
        assertEq(executor.poolFor(v3Factory, true, usdc, address(weth), 500), v3WethUsdc500);
        assertEq(executor.poolFor(v3Factory, true, address(weth), usdc, 3000), v3WethUsdc3000);
    }

    function test_registerFactory_onlyOwnerAndEmits() public {
        address other = makeAddr("otherFactory");
        bytes32 hash = keccak256("pair code");
        vm.prank(operator);
        vm.expectRevert(Executor.NotOwner.selector);
        executor.registerFactory(other, false, 25, hash);
        vm.expectEmit(address(executor));
        emit Executor.FactoryRegistered(other, false, 25, hash);
        vm.prank(owner);
        executor.registerFactory(other, false, 25, hash);
        assertEq(executor.initCodeHashOf(other, false, 25), hash);
    }

    function test_registerFactory_refusesBadInput() public {
        vm.startPrank(owner);
        vm.expectRevert(Executor.BadRegistration.selector);
        executor.registerFactory(address(0), false, 30, V2_PAIR_INIT_CODE_HASH);
        vm.expectRevert(Executor.BadRegistration.selector);
        executor.registerFactory(uniFactory, false, 30, bytes32(0));
        vm.expectRevert(Executor.BadRegistration.selector);
        executor.registerFactory(uniFactory, false, 10_000, V2_PAIR_INIT_CODE_HASH);
        vm.expectRevert(Executor.BadRegistration.selector);
        executor.registerFactory(v3Factory, true, 500, V3_POOL_INIT_CODE_HASH);
        vm.stopPrank();
    }

    function test_unregisterFactory_stopsItsPools() public {
        bytes memory plan = _simplePlan(_v2v2(), AMOUNT_IN, false);
        vm.prank(operator);
        vm.expectRevert(Executor.NotOwner.selector);
        executor.unregisterFactory(sushiFactory, false, 30);
        vm.expectEmit(address(executor));
        emit Executor.FactoryUnregistered(sushiFactory, false, 30);
        vm.prank(owner);
        executor.unregisterFactory(sushiFactory, false, 30);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(Executor.FactoryNotRegistered.selector, sushiFactory, false, uint24(30)));
        executor.execute(plan);
    }

    function test_listPool_listedPoolTradesAsQuoted() public {
        // A pair from a factory nobody registered: usable only once the owner lists it, for its tokens and fee.
        address stranger = _deployArtifact("node_modules/@uniswap/v2-core/build/UniswapV2Factory.json", abi.encode(owner));
        address pair = _v2Pool(stranger, address(weth), usdc, 1_000 ether, 3_000_000 ether);
        HopSpec[] memory hops = _two(
            _hop(sushiWethUsdc, address(weth), usdc, false, 0, address(sushiRouter)), _hop(pair, usdc, address(weth), false, 0, address(0))
        );
        hops[1].listed = true;
        bytes memory plan = _simplePlan(hops, AMOUNT_IN, false);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(Executor.PoolNotListed.selector, pair));
        executor.execute(plan);

        (address token0, address token1) = address(weth) < usdc ? (address(weth), usdc) : (usdc, address(weth));
        vm.prank(operator);
        vm.expectRevert(Executor.NotOwner.selector);
        executor.listPool(pair, false, token0, token1, 30);
        vm.expectEmit(address(executor));
        emit Executor.PoolListed(pair, false, token0, token1, 30);
        vm.prank(owner);
        executor.listPool(pair, false, token0, token1, 30);
        assertTrue(executor.isListedPool(pair, false, token0, token1, 30));
        assertFalse(executor.isListedPool(pair, false, token0, token1, 25));

        // The real Router02 over that factory quotes the listed pair.
        address strangerRouter = _deployArtifact(
            "node_modules/@uniswap/v2-periphery/build/UniswapV2Router02.json", abi.encode(stranger, address(weth))
        );
        uint256 usdcOut = _quote(address(sushiRouter), address(weth), usdc, 0, AMOUNT_IN);
        uint256 wethBack = _quote(strangerRouter, usdc, address(weth), 0, usdcOut);
        uint256 before = _wethOf(address(executor));
        _runAsOperator(plan);
        assertEq(_wethOf(address(executor)) - before, wethBack - AMOUNT_IN);

        // A listed pool named with another fee is not the pool the owner listed.
        hops[1].fee = 25;
        vm.roll(block.number + 1);
        bytes memory wrongFee = _simplePlan(hops, AMOUNT_IN, false);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(Executor.PoolNotListed.selector, pair));
        executor.execute(wrongFee);

        vm.expectEmit(address(executor));
        emit Executor.PoolUnlisted(pair);
        vm.prank(owner);
        executor.unlistPool(pair);
        assertFalse(executor.isListedPool(pair, false, token0, token1, 30));
    }

    function test_listPool_refusesUnorderedTokens() public {
        (address token0, address token1) = address(weth) < usdc ? (address(weth), usdc) : (usdc, address(weth));
        vm.prank(owner);
        vm.expectRevert(Executor.BadRegistration.selector);
        executor.listPool(uniWethUsdc, false, token1, token0, 30);
    }

    function test_setStartToken_allowsAnotherStartToken() public {
        // USDC -> WETH where WETH is cheap (Uniswap, 3,000), WETH -> USDC where it is dear (SushiSwap, 3,100).
        uint256 amountIn = 10_000 ether;
        _give(usdc, address(executor), amountIn);
        HopSpec[] memory hops = _two(
            _hop(uniWethUsdc, usdc, address(weth), false, 0, address(uniRouter)),
            _hop(sushiWethUsdc, address(weth), usdc, false, 0, address(sushiRouter))
        );
        bytes memory plan = _simplePlan(hops, amountIn, false);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(Executor.StartTokenNotAllowed.selector, usdc));
        executor.execute(plan);

        vm.prank(operator);
        vm.expectRevert(Executor.NotOwner.selector);
        executor.setStartToken(usdc, true);
        vm.expectEmit(address(executor));
        emit Executor.StartTokenSet(usdc, true);
        vm.prank(owner);
        executor.setStartToken(usdc, true);
        int256 predicted = _predictProfit(hops, amountIn);
        assertGt(predicted, 0);
        uint256 before = IERC20Like(usdc).balanceOf(address(executor));
        _runAsOperator(plan);
        assertEq(int256(IERC20Like(usdc).balanceOf(address(executor))) - int256(before), predicted);
    }
}

