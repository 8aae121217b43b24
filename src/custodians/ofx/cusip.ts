// CUSIP check digit (modulus 10 "double add double"): tells a real CUSIP from an institution's
// own fund code labelled as one (Vanguard 401(k) plans send `VGI007743`).
const CUSIP = /^[0-9A-Z*@#]{8}[0-9]$/;

function characterValue(character: string): number {
  if (character >= "0" && character <= "9") return character.charCodeAt(0) - 48;
  if (character >= "A" && character <= "Z") return character.charCodeAt(0) - 55;
  return { "*": 36, "@": 37, "#": 38 }[character] ?? 0;
}

export function isValidCusip(text: string): boolean {
  if (!CUSIP.test(text)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const value = characterValue(text.charAt(i)) * (i % 2 === 1 ? 2 : 1);
    sum += Math.floor(value / 10) + (value % 10);
  }
  return (10 - (sum % 10)) % 10 === Number(text.charAt(8));
}
