/** One Segment-style event from a user and a moment: timestamps as devices send them, properties, context. */
import { hex8, type Random } from './random.js';
import { deliveryTimes, formatDeviceTime } from './times.js';
import type { SegmentEvent } from './types.js';
import type { UserProfile } from './users.js';
import {
  CATALOG,
  CATEGORIES,
  EXTERNAL_REFERRERS,
  PAGES,
  type PageTemplate,
  type Product,
  SCREENS,
  SEARCH_TERMS,
  SITE,
  TRACK_EVENTS,
} from './vocabulary.js';

export function money(value: number): number {
  return Math.round(value * 100) / 100;
}

export function visitPage(random: Random, profile: UserProfile, firstInSession: boolean): PageTemplate {
  const template = PAGES.pick(random);
  if (template.name === 'Product') profile.product = random.pick(CATALOG);
  const path = template.path(random, profile.product);
  const title =
    template.name === 'Product' ? `${profile.product.name} | Acme Shop` : `${template.name} | Acme Shop`;
  profile.page = {
    path,
    referrer: firstInSession ? EXTERNAL_REFERRERS.pick(random) : profile.page.url,
    title,
    url: `${SITE}${path}`,
  };
  return template;
}

export function productProperties(product: Product) {
  return {
    product_id: product.product_id,
    sku: product.sku,
    name: product.name,
    category: product.category,
    price: product.price,
    currency: 'USD',
  };
}

export function cartValue(cart: readonly Product[]): number {
  return money(cart.reduce((sum, product) => sum + product.price, 0));
}

export function trackProperties(
  random: Random,
  profile: UserProfile,
  event: string,
): Record<string, unknown> {
  switch (event) {
    case 'Product Viewed':
    case 'Product Clicked':
    case 'Product Shared':
    case 'Wishlist Product Added': {
      if (random.chance(0.4)) profile.product = random.pick(CATALOG);
      return { ...productProperties(profile.product), position: 1 + random.int(24) };
    }
    case 'Product Added': {
      if (profile.cart.length < 6) profile.cart.push(profile.product);
      return { ...productProperties(profile.product), quantity: 1 + (random.chance(0.15) ? 1 : 0) };
    }
    case 'Product Removed': {
      const removed = profile.cart.pop() ?? profile.product;
      return { ...productProperties(removed), quantity: 1 };
    }
    case 'Product List Viewed':
      return { list_id: `list_${random.int(60)}`, category: random.pick(CATEGORIES) };
    case 'Search Performed':
      return { query: random.pick(SEARCH_TERMS).replaceAll('+', ' '), results: random.int(120) };
    case 'Cart Viewed':
    case 'Checkout Started':
      return {
        cart_id: `cart_${hex8(random.uint32())}`,
        value: cartValue(profile.cart),
        currency: 'USD',
        products: profile.cart.length,
      };
    case 'Checkout Step Completed':
      return {
        checkout_id: `chk_${hex8(random.uint32())}`,
        step: 1 + random.int(3),
        shipping_method: 'standard',
      };
    case 'Payment Info Entered':
      return {
        checkout_id: `chk_${hex8(random.uint32())}`,
        step: 3,
        payment_method: random.pick(['card', 'paypal', 'apple_pay']),
      };
    case 'Order Completed': {
      const items = profile.cart.length > 0 ? profile.cart : [profile.product];
      const subtotal = cartValue(items);
      profile.cart = [];
      return {
        order_id: `ord_${hex8(random.uint32())}`,
        total: money(subtotal * 1.08 + 4.99),
        revenue: subtotal,
        tax: money(subtotal * 0.08),
        shipping: 4.99,
        currency: 'USD',
        products: items.slice(0, 3).map((item) => ({
          product_id: item.product_id,
          sku: item.sku,
          price: item.price,
          quantity: 1,
        })),
      };
    }
    case 'Signed In':
    case 'Signed Up':
    case 'Signed Out':
      return { method: random.pick(['email', 'google', 'apple']) };
    case 'Video Played':
    case 'Video Paused':
    case 'Video Completed':
      return {
        video_id: `vid_${random.int(80)}`,
        position: random.int(180),
        total_length: 180,
        sound: random.int(101),
      };
    case 'Promotion Viewed':
    case 'Promotion Clicked':
      return {
        promotion_id: `promo_${random.int(12)}`,
        creative: random.pick(['hero_banner', 'sidebar', 'popup']),
        name: random.pick(['Winter Sale', 'Free Shipping', 'New Arrivals']),
      };
    case 'Coupon Applied':
      return {
        coupon_id: random.pick(['WELCOME10', 'WINTER24', 'FREESHIP']),
        discount: random.pick([5, 10, 15]),
      };
    case 'Button Clicked':
      return {
        button_id: random.pick(['nav_menu', 'size_guide', 'add_to_wishlist', 'newsletter_cta', 'chat']),
        label: random.pick(['Menu', 'Size guide', 'Save', 'Subscribe', 'Help']),
      };
    case 'Form Submitted':
      return { form_id: random.pick(['contact', 'newsletter', 'review']) };
    case 'Experiment Viewed':
      return {
        experiment_id: `exp_${random.int(6)}`,
        experiment_name: random.pick(['checkout_redesign', 'free_shipping_banner', 'search_ranking']),
        variation_name: random.pick(['control', 'variant_a', 'variant_b']),
      };
    case 'Email Link Clicked':
      return { campaign: random.pick(['weekly_digest', 'abandoned_cart', 'winter_sale']), link: 'cta' };
    case 'Newsletter Subscribed':
      return { list: 'weekly_digest', source: random.pick(['footer', 'popup', 'checkout']) };
    default:
      return { path: profile.page.path, url: profile.page.url, referrer: profile.page.referrer };
  }
}

export function buildContext(profile: UserProfile): Record<string, unknown> {
  // Fresh objects per event: a consumer normalizing one event in place must not change others.
  const context: Record<string, unknown> = {
    library: { name: profile.library.name, version: profile.library.version },
    ip: profile.ip,
    userAgent: profile.userAgent,
    locale: profile.locale,
  };
  // analytics.js would also send context.page; it is left out to keep events at the ~600 bytes of real exports.
  if (profile.platform !== 'web') {
    context.app = { ...profile.app };
    context.device = { ...profile.device };
    context.os = { ...profile.os };
  }
  return context;
}

export type EventKind = 'track' | 'page' | 'screen' | 'identify' | 'group' | 'alias';

export function chooseKind(
  random: Random,
  profile: UserProfile,
  sessionEventIndex: number,
  firstSession: boolean,
): EventKind {
  const identified = profile.userId !== null;
  const web = profile.platform === 'web';
  if (sessionEventIndex === 0) {
    if (identified && random.chance(firstSession ? 0.5 : 0.2)) return 'identify';
    return web ? (random.chance(0.7) ? 'page' : 'track') : random.chance(0.5) ? 'screen' : 'track';
  }
  const roll = random.float();
  if (identified) {
    if (roll < 0.005) return 'identify';
    if (roll < 0.008 && profile.company !== null) return 'group';
    if (roll < 0.009) return 'alias';
  }
  if (roll < 0.21) return web ? 'page' : 'screen';
  return 'track';
}

export function buildEvent(
  random: Random,
  profile: UserProfile,
  timeMs: number,
  kind: EventKind,
  sessionEventIndex: number,
  withMessageId: boolean,
): SegmentEvent {
  const event: SegmentEvent = { type: kind };
  switch (kind) {
    case 'track': {
      const name =
        sessionEventIndex === 0 && profile.platform !== 'web'
          ? 'Application Opened'
          : TRACK_EVENTS.pick(random);
      event.event = name;
      event.properties =
        name === 'Application Opened'
          ? { from_background: random.chance(0.4), version: profile.app?.version, build: profile.app?.build }
          : trackProperties(random, profile, name);
      break;
    }
    case 'page': {
      const template = visitPage(random, profile, sessionEventIndex === 0);
      event.name = template.name;
      event.properties = { ...profile.page };
      break;
    }
    case 'screen': {
      const name = random.pick(SCREENS);
      event.name = name;
      event.properties =
        name === 'Product Detail'
          ? { product_id: profile.product.product_id, category: profile.product.category }
          : {};
      break;
    }
    case 'identify':
      event.traits = { ...profile.traits };
      break;
    case 'group':
      event.groupId = profile.company?.id;
      event.traits = { name: profile.company?.name, industry: profile.company?.industry, plan: 'business' };
      break;
    case 'alias':
      event.previousId = profile.anonymousId;
      break;
  }
  event.userId = profile.userId;
  event.anonymousId = profile.anonymousId;
  if (withMessageId) event.messageId = random.uuid();
  event.timestamp = formatDeviceTime(timeMs, profile.offsetMinutes);
  event.originalTimestamp = formatDeviceTime(timeMs + profile.skewMs, profile.offsetMinutes);
  const delivery = deliveryTimes(random, profile, timeMs);
  event.sentAt = delivery.sentAt;
  event.receivedAt = delivery.receivedAt;
  event.context = buildContext(profile);
  return event;
}
