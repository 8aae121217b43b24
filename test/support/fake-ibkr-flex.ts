// A local stand-in for IBKR's Flex Web Service, version 3 (custodian-formats.md §5a; ibflex's
// client and its tests): GET /SendRequest?t=TOKEN&q=QUERY_ID&v=3 answers a FlexStatementResponse
// with a ReferenceCode, GET /GetStatement?t=TOKEN&q=REFERENCE_CODE&v=3 answers "1019 Statement
// generation in progress" for the first `inProgressPolls` polls and then the statement. A missing
// User-Agent, a wrong version, an unknown or expired token and an unknown query get IBKR's codes.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeIbkrFlex {
  /** The Flex Web Service base to configure (…/AccountManagement/FlexWebService). */
  url: string;
  token: string;
  queryId: string;
  /** The statement served once it is "ready". */
  statement: string;
  /** GetStatement polls answered 1019 before the statement is ready. */
  inProgressPolls: number;
  /** Answer SendRequest with 1012 "Token has expired." */
  tokenExpired: boolean;
  /** SendRequests answered 1018 "Too many requests" before one is accepted. */
  sendRequestBusy: number;
  requests: { path: string; query: Record<string, string>; userAgent: string | undefined }[];
  close(): Promise<void>;
}

const REFERENCE_CODE = "7384920166";
const TIMESTAMP = "20 November, 2026 08:30 AM EST";

function envelope(body: string): string {
  return `<?xml version="1.0" encoding="utf-8" ?>\n<FlexStatementResponse timestamp='${TIMESTAMP}'>\n${body}\n</FlexStatementResponse>\n`;
}

function failure(status: "Fail" | "Warn", code: string, message: string): string {
  return envelope(
    `<Status>${status}</Status>\n<ErrorCode>${code}</ErrorCode>\n<ErrorMessage>${message}</ErrorMessage>`,
  );
}

export async function startFakeIbkrFlex(options: {
  statement: string;
  token?: string;
  queryId?: string;
  inProgressPolls?: number;
}): Promise<FakeIbkrFlex> {
  let polls = 0;
  const state = {
    token: options.token ?? "flex-test-token-0123456789",
    queryId: options.queryId ?? "912345",
    statement: options.statement,
    inProgressPolls: options.inProgressPolls ?? 0,
    tokenExpired: false,
    sendRequestBusy: 0,
    requests: [] as FakeIbkrFlex["requests"],
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const query = Object.fromEntries(url.searchParams);
    const userAgent = req.headers["user-agent"];
    state.requests.push({ path: url.pathname, query, userAgent });
    const reply = (body: string) => {
      res.writeHead(200, { "content-type": "text/xml;charset=utf-8" });
      res.end(body);
    };
    if (!userAgent) return reply(failure("Fail", "1020", "Invalid request or unable to validate request."));
    if (query.v !== "3")
      return reply(failure("Fail", "1020", "Invalid request or unable to validate request."));
    if (url.pathname.endsWith("/SendRequest")) {
      if (query.t !== state.token) return reply(failure("Fail", "1015", "Token is invalid."));
      if (state.tokenExpired) return reply(failure("Fail", "1012", "Token has expired."));
      if (query.q !== state.queryId) return reply(failure("Fail", "1014", "Query is invalid."));
      if (state.sendRequestBusy > 0) {
        state.sendRequestBusy -= 1;
        return reply(
          failure(
            "Warn",
            "1018",
            "Too many requests have been made from this token. Please try again shortly.",
          ),
        );
      }
      polls = 0;
      return reply(
        envelope(
          `<Status>Success</Status>\n<ReferenceCode>${REFERENCE_CODE}</ReferenceCode>\n<Url>https://ndcdyn.interactivebrokers.com/AccountManagement/FlexWebService/GetStatement</Url>`,
        ),
      );
    }
    if (url.pathname.endsWith("/GetStatement")) {
      if (query.t !== state.token) return reply(failure("Fail", "1015", "Token is invalid."));
      if (query.q !== REFERENCE_CODE) return reply(failure("Fail", "1017", "Reference code is invalid."));
      polls += 1;
      if (polls <= state.inProgressPolls) {
        return reply(failure("Warn", "1019", "Statement generation in progress. Please try again shortly."));
      }
      return reply(state.statement);
    }
    res.writeHead(404, { "content-type": "text/html" });
    res.end("<html><body>Not Found</body></html>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/AccountManagement/FlexWebService`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
