// Check digits of the identifiers the redactor recognises. Each takes the identifier as written
// (separators allowed) and says whether its checksum holds, so that look-alikes (order numbers,
// serials) are not taken for personal data.

const digitsOf = (text: string) => text.replace(/\D/g, '');

/** Luhn (payment cards). */
export function luhnValid(text: string): boolean {
  const digits = digitsOf(text);
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return digits.length >= 13 && sum % 10 === 0;
}

/** IBAN: ISO 13616 mod-97. */
export function ibanValid(text: string): boolean {
  const compact = text.replace(/\s/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact)) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const character of rearranged) {
    const value = Number.parseInt(character, 36);
    remainder = Number(`${remainder}${value}`) % 97;
  }
  return remainder === 1;
}

const dniLetters = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** Spanish DNI (8 digits + letter) and NIE (X/Y/Z + 7 digits + letter). */
export function spanishIdValid(text: string): boolean {
  const compact = text.replace(/[\s-]/g, '').toUpperCase();
  const match = /^([XYZ]?)(\d{7,8})([A-Z])$/.exec(compact);
  if (!match) return false;
  const [, prefix, digits, letter] = match as unknown as [string, string, string, string];
  if ((prefix === '' && digits.length !== 8) || (prefix !== '' && digits.length !== 7)) return false;
  const number = Number(`${prefix === '' ? '' : 'XYZ'.indexOf(prefix)}${digits}`);
  return dniLetters[number % 23] === letter;
}

/** Dutch BSN: the 11-proof. */
export function bsnValid(text: string): boolean {
  const digits = digitsOf(text);
  if (digits.length !== 9) return false;
  let sum = 0;
  for (let index = 0; index < 8; index += 1) sum += Number(digits[index]) * (9 - index);
  sum -= Number(digits[8]);
  return sum % 11 === 0 && sum !== 0;
}

/** Portuguese NIF: mod 11. */
export function portugueseNifValid(text: string): boolean {
  const digits = digitsOf(text);
  if (digits.length !== 9 || !/^[125689]/.test(digits)) return false;
  let sum = 0;
  for (let index = 0; index < 8; index += 1) sum += Number(digits[index]) * (9 - index);
  const check = 11 - (sum % 11);
  return (check >= 10 ? 0 : check) === Number(digits[8]);
}

/** German tax id (Steuer-ID): ISO 7064 MOD 11,10. */
export function steuerIdValid(text: string): boolean {
  const digits = digitsOf(text);
  if (digits.length !== 11 || digits[0] === '0') return false;
  let product = 10;
  for (let index = 0; index < 10; index += 1) {
    let sum = (Number(digits[index]) + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  const check = 11 - product;
  return (check === 10 ? 0 : check) === Number(digits[10]);
}

/** French social security number (NIR): 13 digits and a key of 97 − (number mod 97). */
export function nirValid(text: string): boolean {
  const digits = digitsOf(text);
  if (digits.length !== 15 || !/^[12]/.test(digits)) return false;
  const key = 97 - Number(BigInt(digits.slice(0, 13)) % 97n);
  return key === Number(digits.slice(13));
}

const cfOdd: Record<string, number> = {};
const cfEven: Record<string, number> = {};
{
  const oddValues = [
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
  ];
  'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('').forEach((letter, index) => {
    cfOdd[letter] = oddValues[index]!;
    cfEven[letter] = index;
  });
  for (let digit = 0; digit < 10; digit += 1) {
    cfOdd[String(digit)] = oddValues[digit]!;
    cfEven[String(digit)] = digit;
  }
}

/** Italian codice fiscale: the check letter. */
export function codiceFiscaleValid(text: string): boolean {
  const code = text.toUpperCase();
  if (!/^[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]$/.test(code)) return false;
  let sum = 0;
  for (let index = 0; index < 15; index += 1) {
    const character = code[index]!;
    sum += (index % 2 === 0 ? cfOdd[character] : cfEven[character]) ?? 0;
  }
  return String.fromCharCode(65 + (sum % 26)) === code[15];
}
