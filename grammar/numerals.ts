// Chinese numerals as Vosk's Mandarin model writes them (二十三, not 廿三 or 23): the model's
// vocabulary has 一..九十九 as words (except 五十四, which the segmenter splits into 五十 四).

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'] as const;

/** 1..99 → 一, 十, 十二, 二十, 二十三. Larger numbers are read digit by digit (101 → 一零一), as for door numbers. */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`not a natural number: ${n}`);
  if (n < 10) return DIGITS[n] as string;
  if (n < 100) {
    const tens = Math.floor(n / 10);
    const units = n % 10;
    return `${tens === 1 ? '' : DIGITS[tens]}十${units === 0 ? '' : DIGITS[units]}`;
  }
  return Array.from(String(n), (d) => DIGITS[Number(d)] as string).join('');
}

/** Cloud names may carry Arabic digits (3号门); Vosk only ever outputs Chinese numerals. */
export function spokenDigits(name: string): string {
  return name.replace(/\d+/g, (digits) => chineseNumeral(Number(digits)));
}
