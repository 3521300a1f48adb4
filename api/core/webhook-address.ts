// Where a webhook may point: public addresses only (unless the operator allows private ones), checked when it is
// registered and again on every connection, against the address the connection actually uses.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/** Resolves a host name to every address (the shape of dns.lookup with `all: true`); tests inject their own. */
export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;

const systemResolve: ResolveHost = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));

/**
 * Loopback, private (RFC 1918), CGNAT, link-local (with the cloud metadata address 169.254.169.254), unique-local,
 * site-local, multicast, documentation, benchmarking and reserved ranges. IPv4-mapped IPv6 (::ffff:10.0.0.1) is
 * matched against the IPv4 list by BlockList itself; NAT64 and 6to4 addresses are checked by their embedded IPv4.
 */
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv6');
}

/** The eight 16-bit groups of an IPv6 address (no zone), or null. */
function ipv6Groups(address: string): number[] | null {
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const bytes = v4[1]!.split('.').map(Number);
    text = text.slice(0, -v4[1]!.length) + `${((bytes[0]! << 8) | bytes[1]!).toString(16)}:${((bytes[2]! << 8) | bytes[3]!).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (s: string) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const fill = tail === undefined ? 0 : 8 - left.length - right.length;
  const groups = [...left, ...Array.from({ length: fill }, () => 0), ...right];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

const v4Of = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

/** True for an address no webhook may reach unless private targets are allowed. Unparseable counts as private. */
export function isPrivateAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(ip);
  if (family === 4) return BLOCKED.check(ip, 'ipv4');
  if (family !== 6) return true;
  if (BLOCKED.check(ip, 'ipv6')) return true;
  const g = ipv6Groups(ip.toLowerCase());
  if (!g) return true;
  // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address: judge that one.
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return BLOCKED.check(v4Of(g[6]!, g[7]!), 'ipv4');
  if (g[0] === 0x2002) return BLOCKED.check(v4Of(g[1]!, g[2]!), 'ipv4');
  return false;
}

/** Names that mean this machine or the local network whatever DNS says. */
function isLocalName(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost') || h.endsWith('.local') || h.endsWith('.internal') || h.endsWith('.home.arpa') || !h.includes('.');
}

/** Why a webhook URL may not be used, for a person; null when it may. */
export async function webhookUrlRefusal(url: string, opts: { allowPrivate?: boolean; resolve?: ResolveHost; timeoutMs?: number } = {}): Promise<string | null> {
  if (opts.allowPrivate) return null;
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return 'must be an absolute http:// or https:// URL';
  }
  const refusal = `points to a private, loopback or link-local address (${host}); webhooks go to public addresses only (the server's WEBHOOK_ALLOW_PRIVATE=true allows private ones)`;
  if (isIP(host)) return isPrivateAddress(host) ? refusal : null;
  if (isLocalName(host)) return refusal;
  let addresses: LookupAddress[];
  try {
    addresses = await withTimeout((opts.resolve ?? systemResolve)(host), opts.timeoutMs ?? 3000);
  } catch {
    // Not resolvable now (no DNS, a name not yet published): allowed; every send checks again before connecting.
    return null;
  }
  return addresses.some((a) => isPrivateAddress(a.address)) ? refusal : null;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), ms);
    timer.unref();
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** The error a connection to a refused address fails with (its code is what the delivery log shows). */
class PrivateAddressError extends Error {
  readonly code = 'EPRIVATEADDRESS';
  constructor() {
    super('refused: the host resolves to a private address');
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for net/http connections: resolves, refuses the connection when any address is private, and hands
 * the checked addresses to the socket, so the address connected to is the address checked (no DNS rebinding
 * between a check and the connect).
 */
export function checkedLookup(opts: { allowPrivate?: boolean; resolve?: ResolveHost }) {
  return (hostname: string, options: { all?: boolean; family?: number } | number | undefined, callback: LookupCallback): void => {
    const all = typeof options === 'object' && options !== null && options.all === true;
    const family = typeof options === 'number' ? options : (options?.family ?? 0);
    (opts.resolve ?? systemResolve)(hostname).then(
      (found) => {
        const addresses = family === 4 || family === 6 ? found.filter((a) => a.family === family) : found;
        if (!addresses.length) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), all ? [] : '', 0);
        if (!opts.allowPrivate && addresses.some((a) => isPrivateAddress(a.address))) return callback(new PrivateAddressError(), all ? [] : '', 0);
        if (all) return callback(null, addresses);
        return callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, all ? [] : '', 0),
    );
  };
}
