/**
 * What a file is, from its bytes: the few types attachments may be, told by their signatures
 * ("magic bytes", as the WHATWG MIME Sniffing standard lists them), never by the name or the
 * Content-Type the sender declared. Hand-written: five signatures and a UTF-8 check do not need a
 * library, and a sniffing library knows hundreds of types we would then have to refuse again.
 */
import type { AttachmentType } from '../../shared/protocol';

export interface Sniffed {
  type: AttachmentType;
  width?: number;
  height?: number;
}

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0) =>
  bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b);

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const GIF87 = ascii('GIF87a');
const GIF89 = ascii('GIF89a');
const RIFF = ascii('RIFF');
const WEBP = ascii('WEBP');
const PDF = ascii('%PDF-');

/** The JPEG markers that start a frame and carry its size (SOF0–SOF15 but DHT, JPG and DAC). */
const isStartOfFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

function jpegSize(b: Uint8Array): { width: number; height: number } | undefined {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i += 1;
      continue;
    }
    const length = (b[i + 2]! << 8) | b[i + 3]!;
    if (isStartOfFrame(marker)) return { height: (b[i + 5]! << 8) | b[i + 6]!, width: (b[i + 7]! << 8) | b[i + 8]! };
    i += 2 + length;
  }
  return undefined;
}

function webpSize(b: Uint8Array): { width: number; height: number } | undefined {
  const chunk = String.fromCharCode(...b.subarray(12, 16));
  const u16 = (at: number) => b[at]! | (b[at + 1]! << 8);
  const u24 = (at: number) => b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);
  if (chunk === 'VP8 ' && b.length >= 30) return { width: u16(26) & 0x3fff, height: u16(28) & 0x3fff };
  if (chunk === 'VP8L' && b.length >= 25) {
    const bits = b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X' && b.length >= 30) return { width: u24(24) + 1, height: u24(27) + 1 };
  return undefined;
}

/** Valid UTF-8 without a NUL: what a .txt, .log, .csv or .json attachment must be. */
function isUtf8Text(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const withSize = (type: AttachmentType, size: { width: number; height: number } | undefined): Sniffed =>
  size && size.width > 0 && size.height > 0 ? { type, ...size } : { type };

/** The attachment type of these bytes, or null when they are none of the allowed ones. */
export function sniffFile(bytes: Uint8Array): Sniffed | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (startsWith(bytes, PNG)) return withSize('image/png', bytes.length >= 24 ? { width: view.getUint32(16), height: view.getUint32(20) } : undefined);
  if (startsWith(bytes, JPEG)) return withSize('image/jpeg', jpegSize(bytes));
  if (startsWith(bytes, GIF87) || startsWith(bytes, GIF89)) {
    return withSize('image/gif', bytes.length >= 10 ? { width: view.getUint16(6, true), height: view.getUint16(8, true) } : undefined);
  }
  if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8)) return withSize('image/webp', webpSize(bytes));
  if (startsWith(bytes, PDF)) return { type: 'application/pdf' };
  if (isUtf8Text(bytes)) return { type: 'text/plain' };
  return null;
}

/** What each allowed file name ending says the content is. */
const TYPE_BY_EXTENSION: Readonly<Record<string, AttachmentType>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
  txt: 'text/plain',
  log: 'text/plain',
  csv: 'text/plain',
  json: 'text/plain',
};

/** The type a file's name claims, or null for a name with no allowed ending. */
export function typeOfName(name: string): AttachmentType | null {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? null : (TYPE_BY_EXTENSION[name.slice(dot + 1).toLowerCase()] ?? null);
}

export const isImage = (type: AttachmentType) => type.startsWith('image/');
