// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {DevnetToken} from "../../src/devnet/DevnetToken.sol";
import {StandardToken} from "../../src/devnet/StandardToken.sol";
import {NoReturnToken} from "../../src/devnet/NoReturnToken.sol";
import {FeeOnTransferToken} from "../../src/devnet/FeeOnTransferToken.sol";
import {HoneypotToken} from "../../src/devnet/HoneypotToken.sol";
import {SalmonellaToken} from "../../src/devnet/SalmonellaToken.sol";

contract TokensTest is Test {
    address internal owner = makeAddr("owner");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal pool = makeAddr("pool");

    function testFuzz_transfer_standardMovesExactly(uint256 minted, uint256 sent) public {
        minted = bound(minted, 0, type(uint128).max);
        sent = bound(sent, 0, minted);
        StandardToken token = new StandardToken("Dai", "DAI", 18, owner);
        vm.prank(owner);
        token.mint(alice, minted);
        vm.prank(alice);
        assertTrue(token.transfer(bob, sent));
        assertEq(token.balanceOf(alice), minted - sent);
        assertEq(token.balanceOf(bob), sent);
        assertEq(token.totalSupply(), minted);
    }

    function test_transfer_revertsAboveBalance() public {
        StandardToken token = new StandardToken("Dai", "DAI", 18, owner);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(DevnetToken.InsufficientBalance.selector, alice, 0, 1));
        token.transfer(bob, 1);
    }

    function test_mint_revertsForNonOwner() public {
        StandardToken token = new StandardToken("Dai", "DAI", 18, owner);
        vm.expectRevert(DevnetToken.NotOwner.selector);
        token.mint(alice, 1);
    }

    function test_transferFrom_spendsAllowance() public {
        StandardToken token = new StandardToken("Dai", "DAI", 18, owner);
        vm.prank(owner);
        token.mint(alice, 100);
        vm.prank(alice);
        token.approve(bob, 60);
        vm.prank(bob);
        token.transferFrom(alice, bob, 50);
        assertEq(token.allowance(alice, bob), 10);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(DevnetToken.InsufficientAllowance.selector, alice, bob, 10, 11));
        token.transferFrom(alice, bob, 11);
    }

    function test_transfer_noReturnTokenReturnsNoData() public {
        NoReturnToken token = new NoReturnToken("Tether", "USDT", 6, owner);
        vm.prank(owner);
        token.mint(alice, 100);
        vm.prank(alice);
        (bool ok, bytes memory ret) = address(token).call(abi.encodeWithSignature("transfer(address,uint256)", bob, 40));
        assertTrue(ok);
        assertEq(ret.length, 0);
        assertEq(token.balanceOf(bob), 40);
    }

    function test_approve_noReturnTokenRefusesNonZeroToNonZero() public {
        NoReturnToken token = new NoReturnToken("Tether", "USDT", 6, owner);
        vm.startPrank(alice);
        token.approve(bob, 5);
        vm.expectRevert(abi.encodeWithSelector(NoReturnToken.ApproveFromNonZero.selector, 5));
        token.approve(bob, 6);
        token.approve(bob, 0);
        token.approve(bob, 6);
        vm.stopPrank();
        assertEq(token.allowance(alice, bob), 6);
    }

    function testFuzz_transfer_feeOnTransferCreditsLess(uint256 sent) public {
        sent = bound(sent, 1, 1e30);
        FeeOnTransferToken token = new FeeOnTransferToken("Fee", "FOT", 18, owner, 300);
        vm.prank(owner);
        token.mint(alice, sent);
        vm.prank(alice);
        token.transfer(bob, sent);
        uint256 fee = sent * 300 / 10_000;
        assertEq(token.balanceOf(bob), sent - fee);
        assertEq(token.balanceOf(alice), 0);
        assertEq(token.totalSupply(), sent - fee);
    }

    function test_transfer_feeOnTransferExemptsOwner() public {
        FeeOnTransferToken token = new FeeOnTransferToken("Fee", "FOT", 18, owner, 300);
        vm.startPrank(owner);
        token.mint(owner, 1000);
        token.transfer(alice, 1000);
        vm.stopPrank();
        assertEq(token.balanceOf(alice), 1000);
    }

    function test_transfer_honeypotBuysButNeverSells() public {
        HoneypotToken token = new HoneypotToken("Honey", "HONEY", 18, owner);
        vm.startPrank(owner);
        token.mint(pool, 1000);
        token.setPool(pool, true);
        vm.stopPrank();
        vm.prank(pool);
        token.transfer(alice, 100); // a buy
        assertEq(token.balanceOf(alice), 100);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(HoneypotToken.TransferBlocked.selector, alice, pool));
        token.transfer(pool, 100); // a sell
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(HoneypotToken.TransferBlocked.selector, alice, bob));
        token.transfer(bob, 1);
    }

    function test_transfer_salmonellaCreditsFractionButEmitsFullAmount() public {
        SalmonellaToken token = new SalmonellaToken("Salmonella", "SALMON", 18, owner, 1000);
        vm.prank(owner);
        token.mint(alice, 1000);
        vm.expectEmit(true, true, false, true, address(token));
        emit DevnetToken.Transfer(alice, bob, 1000);
        vm.prank(alice);
        token.transfer(bob, 1000);
        assertEq(token.balanceOf(alice), 0);
        assertEq(token.balanceOf(bob), 100);
    }
}
