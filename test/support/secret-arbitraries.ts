// Random JSON-like structures with a credential planted somewhere in them, for the properties that
// no credential survives the redaction (of a value, a log line, an audit event).
import fc from "fast-check";

const tokenBody = fc.stringMatching(/^[A-Za-z0-9]{4,12}(-[A-Za-z0-9]{2,10}){0,3}$/);

/** A credential, and the text that must not survive (for a URL, its password). */
const credential: fc.Arbitrary<{ text: string; secret: string }> = fc.oneof(
  fc
    .tuple(fc.constantFrom("xoxb", "xoxp", "xoxa", "xoxr", "xoxs", "xoxo", "xoxe"), tokenBody)
    .map(([kind, body]) => `${kind}-${body}`)
    .map((token) => ({ text: token, secret: token })),
  tokenBody.map((body) => `xapp-${body}`).map((token) => ({ text: token, secret: token })),
  tokenBody.map((body) => `sk-ant-${body}`).map((token) => ({ text: token, secret: token })),
  fc
    .stringMatching(/^[A-Za-z0-9]{6,16}$/)
    .map((password) => ({ text: `postgres://lotwise:${password}@db:5432/lotwise`, secret: `:${password}@` })),
);

/** A random JSON-like tree with the credential planted at a random place in it. */
export function withCredentialSomewhere(): fc.Arbitrary<{ value: unknown; secret: string }> {
  return credential.chain(({ text, secret }) => {
    const carrier = fc.oneof(
      fc.constant<unknown>(text),
      fc.tuple(fc.string(), fc.string()).map(([before, after]) => `${before} ${text} ${after}`),
      fc.string().map((before) => `${before}${text}`),
      fc.string().map((message) => new Error(`${message} ${text}`)),
      fc.constant({ [text]: "as a key" }),
    );
    const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
      tree: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)),
        fc.array(tie("tree"), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie("tree"), { maxKeys: 4 }),
      ),
    }));
    return fc
      .tuple(tree, carrier, fc.array(fc.nat(), { maxLength: 6 }), fc.string())
      .map(([base, hidden, choices, key]) => ({ value: plant(base, choices, hidden, key), secret }));
  });
}

// Walks down the tree by `choices` (each picks a child, or "here"), and puts the carrier there: as a
// new array element or field, or in place of a leaf.
function plant(node: unknown, choices: number[], carrier: unknown, key: string): unknown {
  const [choice, ...rest] = choices;
  if (Array.isArray(node)) {
    const at = choice === undefined ? node.length : choice % (node.length + 1);
    if (at === node.length) return [...node, carrier];
    return node.map((child, i) => (i === at ? plant(child, rest, carrier, key) : child));
  }
  if (node !== null && typeof node === "object") {
    const fields = node as Record<string, unknown>;
    const keys = Object.keys(fields);
    const at = choice === undefined ? keys.length : choice % (keys.length + 1);
    const name = at === keys.length ? key : (keys[at] as string);
    const value = at === keys.length ? carrier : plant(fields[name], rest, carrier, key);
    const copy = { ...fields };
    Object.defineProperty(copy, name, { value, enumerable: true, writable: true, configurable: true });
    return copy;
  }
  return carrier;
}
