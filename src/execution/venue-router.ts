import type { OrderAccount, TradingVenue, VenueRouter } from "../ports/trading-venue.ts";

/**
 * Which venue an account's orders go to: Schwab accounts to the Schwab Advisor Trading API when it
 * is configured; custodians that take no specific-lot instructions (Custodian.supportsSpecificLot
 * false) to a trade file when one is configured; everything else to the paper custodian, the demo's
 * default.
 */
export function createVenueRouter(options: {
  paper: TradingVenue;
  schwab?: TradingVenue | null;
  fileExport?: TradingVenue | null;
}): VenueRouter {
  return {
    venueFor(account: OrderAccount): TradingVenue {
      if (account.custodianId === "schwab" && options.schwab) return options.schwab;
      if (!account.supportsSpecificLot && options.fileExport) return options.fileExport;
      return options.paper;
    },
  };
}
