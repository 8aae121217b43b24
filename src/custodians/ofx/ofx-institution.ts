// Which institution produced an OFX file, from the sign-on FI block and INVACCTFROM BROKERID near
// the top. Institution adapters claim their files; the generic OFX parser takes the rest.
export type OfxInstitution = "fidelity" | "vanguard";

const PATTERNS: [OfxInstitution, RegExp][] = [
  ["fidelity", /<BROKERID>\s*fidelity\.com|<ORG>\s*fidelity|<FID>\s*7776\b/i],
  ["vanguard", /<BROKERID>\s*vanguard\.com|<ORG>\s*(?:the\s+)?vanguard/i],
];

const HEAD_LENGTH = 16_384;

export function ofxInstitution(text: string): OfxInstitution | null {
  const head = text.slice(0, HEAD_LENGTH);
  for (const [institution, pattern] of PATTERNS) if (pattern.test(head)) return institution;
  return null;
}
