/** @odoo-module **/
/* Copyright 2026 SMS Retention developers
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */

/**
 * Encoding, units and segments of an SMS text, as tools/segments.py counts
 * them (count_segments): GSM-7 when every character is in the GSM 03.38
 * tables (extension characters take 2 septets), else UCS-2 (characters
 * outside the BMP take 2 units); 160/153 and 70/67 per segment, a 2-unit
 * character never straddling two segments. The tables and capacities come
 * from the server (the thread's data), so the rule lives in one place.
 *
 * @param {string} text
 * @param {{gsm7_basic: string, gsm7_extension: string, capacity: Object}} tables
 * @returns {{encoding: string, units: number, segments: number, characters: number}}
 */
export function countSegments(text, tables) {
    const basic = new Set(tables.gsm7_basic);
    const extension = new Set(tables.gsm7_extension);
    const chars = Array.from(text || "");
    const gsm = chars.every((char) => basic.has(char) || extension.has(char));
    const encoding = gsm ? "GSM-7" : "UCS-2";
    const [single, concatenated] = tables.capacity[encoding];
    const widths = chars.map((char) => {
        if (gsm) {
            return extension.has(char) ? 2 : 1;
        }
        return char.codePointAt(0) > 0xffff ? 2 : 1;
    });
    const units = widths.reduce((total, width) => total + width, 0);
    let segments = units ? 1 : 0;
    if (units > single) {
        let used = 0;
        for (const width of widths) {
            if (used + width > concatenated) {
                segments++;
                used = 0;
            }
            used += width;
        }
    }
    return { encoding, units, segments, characters: chars.length };
}
