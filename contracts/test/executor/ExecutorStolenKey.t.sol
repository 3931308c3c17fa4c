// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ExecutorBase} from "./ExecutorBase.sol";
import {IERC20Like, IV2Factory, IV2PairFull} from "../utils/UniswapFixture.sol";
import {MaliciousPool, RoguePool} from "../utils/RoguePools.sol";
import {StandardToken} from "../../src/devnet/StandardToken.sol";

/// @notice An attacker holds the operator (hot) key and sends the executor plans of their own making. Every
///         one reverts and the executor keeps all it holds: WETH (the start token) and USDC (any other token
///         it may hold, e.g. inventory of a start token the owner allowed).
/// @dev Expected reasons are given by signature, so the file also compiles against an executor that lacks them.
contract ExecutorStolenKeyTest is ExecutorBase {
    uint256 internal constant USDC_HOLDINGS = 100_000 ether;
    address internal attacker = makeAddr("attacker");

    function setUp() public override {
        super.setUp();
        _give(usdc, address(executor), USDC_HOLDINGS);
    }

    function _usdcOf(address account) internal view returns (uint256) {
        return IERC20Like(usdc).balanceOf(account);
    }

    /// @dev Runs `plan` as the operator; it must revert with `reason` and change no holding.
    function _assertStolenKeyFails(bytes memory plan, bytes memory reason) internal {
        (uint256 wethBefore, uint256 usdcBefore) = (_wethOf(address(executor)), _usdcOf(address(executor)));
        vm.prank(operator);
        (bool ok, bytes memory returned) = address(executor).call(abi.encodeCall(executor.execute, (plan)));
        if (ok) {
            emit log_named_int("WETH taken from the executor", int256(wethBefore) - int256(_wethOf(address(executor))));
            emit log_named_int("USDC taken from the executor", int256(usdcBefore) - int256(_usdcOf(address(executor))));
        }
        assertFalse(ok, "the stolen key's plan ran");
        assertEq(returned, reason, "revert reason");
        assertEq(_wethOf(address(executor)), wethBefore, "WETH holdings changed");
        assertEq(_usdcOf(address(executor)), usdcBefore, "USDC holdings changed");
    }

    function _maliciousHop(MaliciousPool pool, address tokenIn, address tokenOut) internal pure returns (HopSpec memory hop) {
        hop = _hop(address(pool), tokenIn, tokenOut, true, 500, address(0));
        hop.listed = true; // no factory made it: the only way a plan can name it is as a listed pool
    }

    function test_execute_maliciousPoolAsHopReverts() public {
        // WETH -> USDC on a real pair, then USDC -> WETH "through" the attacker's contract, which claims every
        // USDC the executor holds and hands back just enough WETH for the profit check.
        MaliciousPool pool = new MaliciousPool();
        pool.arm(type(uint256).max, usdc, 1 ether + 1);
        _give(address(weth), address(pool), 2 ether);
        pool.armPayout(address(weth), 1 ether + 1);
        HopSpec[] memory hops = _two(
            _hop(sushiWethUsdc, address(weth), usdc, false, 0, address(sushiRouter)), _maliciousHop(pool, usdc, address(weth))
        );
        bytes memory plan = _plan(false, block.number, 1 ether, 0, 0, 0, hops);
        _assertStolenKeyFails(plan, abi.encodeWithSignature("PoolNotListed(address)", address(pool)));
    }

    function test_execute_fakeStartTokenReverts() public {
        // The attacker's token is the start token: its balance is all the profit check sees. The first fake pool
        // reports 1,000 WETH out; the second claims every WETH the executor holds and tops the fake token up.
        MaliciousPool first = new MaliciousPool();
        MaliciousPool second = new MaliciousPool();
        StandardToken fake = new StandardToken("Fake", "FAKE", 18, address(second));
        vm.prank(address(second));
        fake.mint(address(executor), 1 ether);
        first.arm(1 ether, address(fake), INVENTORY);
        second.arm(type(uint256).max, address(weth), 1 ether);
        second.armTopUp(address(fake), 1 ether);
        HopSpec[] memory hops =
            _two(_maliciousHop(first, address(fake), address(weth)), _maliciousHop(second, address(weth), address(fake)));
        bytes memory plan = _plan(false, block.number, 1 ether, 0, 0, 0, hops);
        _assertStolenKeyFails(plan, abi.encodeWithSignature("StartTokenNotAllowed(address)", address(fake)));
    }

    function test_uniswapV3SwapCallback_poolClaimingMoreThanOwedReverts() public {
        // WETH -> USDC on a real pair, then USDC -> WETH on the real 0.05% pool, which (etched) claims twice its
        // USDC input and pays back a little more WETH than the cycle put in.
        uint256 amountIn = 1 ether;
        _etchRogue(v3WethUsdc500, 200, amountIn + 1, address(0));
        HopSpec[] memory hops = _two(
            _hop(sushiWethUsdc, address(weth), usdc, false, 0, address(sushiRouter)),
            _hop(v3WethUsdc500, usdc, address(weth), true, 500, address(0))
        );
        uint256 owed = _quote(address(sushiRouter), address(weth), usdc, 0, amountIn);
        bytes memory plan = _plan(false, block.number, amountIn, 0, 0, 0, hops);
        _assertStolenKeyFails(plan, abi.encodeWithSignature("ClaimAboveOwed(uint256,uint256)", owed * 2, owed));
    }

    function test_uniswapV3SwapCallback_dataNamingAnotherTokenReverts() public {
        // Flash WETH -> USDC on the real 0.05% pool, which (etched) calls back with a plan naming USDC as the
        // start token, asking for exactly the WETH it is owed: the executor must not pay in USDC.
        uint256 amountIn = 5 ether;
        _etchRogue(v3WethUsdc500, 100, 0, usdc);
        HopSpec[] memory hops = _two(
            _hop(v3WethUsdc500, address(weth), usdc, true, 500, address(0)),
            _hop(uniWethUsdc, usdc, address(weth), false, 0, address(uniRouter))
        );
        bytes memory plan = _plan(true, block.number, amountIn, 0, 0, 0, hops);
        _assertStolenKeyFails(plan, abi.encodeWithSignature("FlashPlanMismatch()"));
    }

    function test_uniswapV3SwapCallback_claimInOutputTokenReverts() public {
        // The etched 0.05% pool asks for the token it should be paying out (WETH), within the hop's amount.
        _etchRogue(v3WethUsdc500, 1, 0, address(0), true);
        HopSpec[] memory hops = _two(
            _hop(sushiWethUsdc, address(weth), usdc, false, 0, address(sushiRouter)),
            _hop(v3WethUsdc500, usdc, address(weth), true, 500, address(0))
        );
        (uint256 wethBefore, uint256 usdcBefore) = (_wethOf(address(executor)), _usdcOf(address(executor)));
        vm.prank(operator);
        vm.expectPartialRevert(bytes4(keccak256("ClaimInWrongToken(int256,int256)")));
        executor.execute(_plan(false, block.number, 1 ether, 0, 0, 0, hops));
        assertEq(_wethOf(address(executor)), wethBefore);
        assertEq(_usdcOf(address(executor)), usdcBefore);
    }

    function test_execute_unregisteredFactoryReverts() public {
        // A real Uniswap V2 factory the owner never registered, whose WETH/USDC pair is dear: a profitable cycle.
        address stranger = _deployArtifact("node_modules/@uniswap/v2-core/build/UniswapV2Factory.json", abi.encode(attacker));
        address pair = _v2Pool(stranger, address(weth), usdc, 1_000 ether, 3_000_000 ether);
        HopSpec[] memory hops = _two(
            _hop(sushiWethUsdc, address(weth), usdc, false, 0, address(sushiRouter)),
            _hop(pair, usdc, address(weth), false, 0, address(0))
        );
        hops[1].factory = stranger;
        bytes memory plan = _plan(false, block.number, 1 ether, 0, 0, 0, hops);
        _assertStolenKeyFails(
            plan, abi.encodeWithSignature("FactoryNotRegistered(address,bool,uint24)", stranger, false, uint24(30))
        );
    }

    function test_execute_wrongV3FeeReverts() public {
        // The 0.05% pool named with the 1% tier: no pool lives at that address (the call finds no code and
        // returns nothing, so decoding its result reverts without a reason).
        HopSpec[] memory hops = _v2v3();
        hops[1].fee = 10_000;
        _assertStolenKeyFails(_plan(false, block.number, 1 ether, 0, 0, 0, hops), "");
    }

    function test_execute_wrongV2FeeReverts() public {
        // A fee the owner did not register with the factory (a higher one would still let the pair's K check pass).
        HopSpec[] memory hops = _v2v2();
        hops[0].fee = 31;
        _assertStolenKeyFails(
            _plan(false, block.number, 1 ether, 0, 0, 0, hops),
            abi.encodeWithSignature("FactoryNotRegistered(address,bool,uint24)", sushiFactory, false, uint24(31))
        );
    }

    function test_execute_builderShareAboveOwnerCapReverts() public {
        // A genuine profitable cycle whose whole gross profit goes to block.coinbase (a builder the thief runs
        // or bribes): the plan states a 100% share, above the owner's cap (the test executor's 9,000 bps).
        int256 predicted = _predictProfit(_v2v2(), 5 ether);
        assertGt(predicted, 0, "the cycle is not profitable");
        bytes memory plan = _plan(false, block.number, 5 ether, 0, uint256(predicted), 10_000, _v2v2());
        uint256 builderBefore = builder.balance;
        _assertStolenKeyFails(
            plan, abi.encodeWithSignature("BuilderShareAboveOwnerCap(uint256,uint256)", uint256(10_000), uint256(9_000))
        );
        assertEq(builder.balance, builderBefore, "coinbase was paid");
    }

    /// @dev Replaces `pool`'s code with a RoguePool over the same tokens (its balances stay).
    function _etchRogue(address pool, uint256 claimPct, uint256 payOut, address dataToken) internal {
        _etchRogue(pool, claimPct, payOut, dataToken, false);
    }

    function _etchRogue(address pool, uint256 claimPct, uint256 payOut, address dataToken, bool wrongSide) internal {
        (address token0, address token1) = address(weth) < usdc ? (address(weth), usdc) : (usdc, address(weth));
        vm.etch(pool, address(new RoguePool(token0, token1, claimPct, payOut, dataToken, wrongSide)).code);
    }
}
