/** The devnet's chain id (anvil's default): it differs from mainnet's, so nothing signed for the devnet replays there. */
export const devnetChainId = 31337;
