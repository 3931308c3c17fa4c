// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TokenProbe} from "../../src/lens/TokenProbe.sol";
import {DevnetToken} from "../../src/devnet/DevnetToken.sol";
import {StandardToken} from "../../src/devnet/StandardToken.sol";
import {NoReturnToken} from "../../src/devnet/NoReturnToken.sol";
import {FeeOnTransferToken} from "../../src/devnet/FeeOnTransferToken.sol";
import {HoneypotToken} from "../../src/devnet/HoneypotToken.sol";
import {SalmonellaToken} from "../../src/devnet/SalmonellaToken.sol";
import {IERC20Like, IV3Factory, IV3PoolFull, UniswapFixture} from "../utils/UniswapFixture.sol";

/// @notice The token probe's V3 path against the real Uniswap V3 pool bytecode, with the devnet's tokens in a
///         WETH pool that is their only market (no V2 pair exists): a buy through the pool's swap and callback,
///         a transfer between holders, a sale back through the pool.
contract TokenProbeV3Test is UniswapFixture {
    TokenProbe internal probe;
    uint256 internal constant PROBE_WEI = 1e16;

    function setUp() public {
        _deployUniswap();
        probe = new TokenProbe();
        vm.deal(address(this), 100 ether);
    }

    /// @dev A WETH pool for `token` at 1 WETH = 10,000 tokens, full range, its liquidity minted by this contract,
    ///      which owns the token (owners are exempt from every token's tricks, as a deployer seeding a pool is).
    function _wethPool(address token) internal returns (address pool) {
        pool = IV3Factory(v3Factory).createPool(address(weth), token, 3000);
        bool wethIs0 = IV3PoolFull(pool).token0() == address(weth);
        uint256 ratioX192 = wethIs0 ? (uint256(10_000) << 192) : (uint256(1) << 192) / 10_000;
        IV3PoolFull(pool).initialize(uint160(_sqrt(ratioX192)));
        if (token.code.length > 0 && _isHoneypot(token)) HoneypotToken(token).setPool(pool, true);
        DevnetToken(token).mint(address(this), 1e30);
        vm.deal(address(this), 1000 ether);
        weth.deposit{value: 500 ether}();
        int24 spacing = 60; // the 0.3% tier
        int24 maxTick = (887272 / spacing) * spacing;
        IV3PoolFull(pool).mint(address(this), -maxTick, maxTick, 1e21, "");
    }

    function _isHoneypot(address token) internal view returns (bool) {
        try HoneypotToken(token).isPool(address(0)) returns (bool) {
            return true;
        } catch {
            return false;
        }
    }

    /// @dev Pays the pool for liquidity: WETH from this contract, the token from its owner (this contract).
    function uniswapV3MintCallback(uint256 owed0, uint256 owed1, bytes calldata) external {
        if (owed0 > 0) _pay(IV3PoolFull(msg.sender).token0(), owed0);
        if (owed1 > 0) _pay(IV3PoolFull(msg.sender).token1(), owed1);
    }

    function _pay(address token, uint256 amount) internal {
        if (token == address(weth)) weth.transfer(msg.sender, amount);
        else require(IERC20Like(token).balanceOf(address(this)) >= amount && _call(token, abi.encodeCall(IERC20Like.transfer, (msg.sender, amount))));
    }

    /// @dev A call that tolerates tokens returning nothing (USDT-like).
    function _call(address target, bytes memory data) internal returns (bool ok) {
        (ok,) = target.call(data);
    }

    function _probe(address token) internal returns (TokenProbe.Verdict memory) {
        address pool = _wethPool(token);
        return probe.probeV3{value: PROBE_WEI}(address(weth), pool, token);
    }

    function test_probeV3_standardTokenRoundTripsExactly() public {
        TokenProbe.Verdict memory v = _probe(address(new StandardToken("Good", "GOOD", 18, address(this))));
        assertTrue(v.bought);
        assertGt(v.received, 0);
        assertEq(v.received, v.promisedOut);
        assertTrue(v.moved);
        assertEq(v.movedReceived, v.received / 2);
        assertTrue(v.sold);
        assertEq(v.pairReceived, v.received - v.received / 2);
    }

    function test_probeV3_noReturnTokenRoundTripsExactly() public {
        TokenProbe.Verdict memory v = _probe(address(new NoReturnToken("Tether", "USDT", 6, address(this))));
        assertTrue(v.bought && v.moved && v.sold);
        assertEq(v.received, v.promisedOut);
        assertEq(v.pairReceived, v.received - v.received / 2);
    }

    function test_probeV3_feeOnTransferDeliversLessThanThePoolPromised() public {
        TokenProbe.Verdict memory v = _probe(address(new FeeOnTransferToken("Fee", "FOT", 18, address(this), 200)));
        assertTrue(v.bought);
        // The token burns floor(2% of the amount) of the pool's transfer to us.
        assertEq(v.received, v.promisedOut - v.promisedOut * 200 / 10_000);
        assertLt(v.received, v.promisedOut);
    }

    function test_probeV3_honeypotRefusesTheTransfer() public {
        TokenProbe.Verdict memory v = _probe(address(new HoneypotToken("Honey", "HONEY", 18, address(this))));
        assertTrue(v.bought);
        assertEq(v.received, v.promisedOut);
        assertFalse(v.moved);
        assertFalse(v.sold);
    }

    function test_probeV3_salmonellaCreditsLessThanItReports() public {
        TokenProbe.Verdict memory v = _probe(address(new SalmonellaToken("Salmon", "SALMON", 18, address(this), 1000)));
        assertTrue(v.bought);
        assertEq(v.received, v.promisedOut / 10);
    }

    function test_uniswapV3SwapCallback_refusesACallerThatIsNotThePoolBeingSwapped() public {
        vm.expectRevert(abi.encodeWithSelector(TokenProbe.UnexpectedCallback.selector, address(this)));
        probe.uniswapV3SwapCallback(1, 0, abi.encode(address(weth)));
    }

    function test_probeV3_revertsWhenThePoolIsNotAPool() public {
        // A whole-probe revert is what the bot reads as an "unsafe" verdict (unlike a transport failure).
        address token = address(new StandardToken("Good", "GOOD", 18, address(this)));
        vm.expectRevert();
        probe.probeV3{value: PROBE_WEI}(address(weth), address(0xdead), token);
    }
}
