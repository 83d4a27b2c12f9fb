/** What the generated shop is made of: catalog, events, pages, referrers, user agents, names. */
import { Random, WeightedTable } from './random.js';

export const SITE = 'https://shop.example.com';
export const CATEGORIES = [
  'Shoes',
  'Jackets',
  'T-Shirts',
  'Accessories',
  'Bags',
  'Electronics',
  'Home',
  'Kitchen',
  'Outdoor',
  'Toys',
] as const;
export const PRODUCT_NOUNS = [
  'Runner',
  'Parka',
  'Tee',
  'Backpack',
  'Headphones',
  'Mug',
  'Lamp',
  'Tent',
  'Watch',
  'Sneaker',
  'Hoodie',
  'Bottle',
] as const;
export const PRODUCT_ADJECTIVES = [
  'Classic',
  'Pro',
  'Lite',
  'Urban',
  'Trail',
  'Everyday',
  'Premium',
  'Eco',
] as const;

export interface Product {
  product_id: string;
  sku: string;
  name: string;
  category: string;
  price: number;
  slug: string;
}

export function buildCatalog(): Product[] {
  // A fixed catalog: product ids are shared vocabulary across seeds, like a real shop's.
  const random = new Random(0xc0ffee);
  return Array.from({ length: 400 }, (_, index) => {
    const name = `${random.pick(PRODUCT_ADJECTIVES)} ${random.pick(PRODUCT_NOUNS)} ${100 + index}`;
    return {
      product_id: `prod_${String(index + 1).padStart(5, '0')}`,
      sku: `SKU-${(random.uint32() % 900_000) + 100_000}`,
      name,
      category: random.pick(CATEGORIES),
      price: Math.round(random.logBetween(4, 400) * 100) / 100 - 0.01,
      slug: name.toLowerCase().replaceAll(' ', '-'),
    };
  });
}

export const CATALOG = buildCatalog();

export const TRACK_EVENTS = new WeightedTable<string>([
  ['Product Viewed', 20],
  ['Product List Viewed', 8],
  ['Product Clicked', 8],
  ['Search Performed', 7],
  ['Page Viewed', 4],
  ['Product Added', 7],
  ['Product Removed', 1.5],
  ['Cart Viewed', 4],
  ['Checkout Started', 2.5],
  ['Checkout Step Completed', 2],
  ['Payment Info Entered', 1.2],
  ['Order Completed', 1],
  ['Signed In', 2],
  ['Signed Up', 0.5],
  ['Signed Out', 0.7],
  ['Video Played', 3],
  ['Video Paused', 1.5],
  ['Video Completed', 0.8],
  ['Promotion Viewed', 4],
  ['Promotion Clicked', 1],
  ['Coupon Applied', 0.4],
  ['Product Shared', 0.4],
  ['Wishlist Product Added', 0.8],
  ['Button Clicked', 6],
  ['Form Submitted', 1],
  ['Experiment Viewed', 2],
  ['Email Link Clicked', 0.3],
  ['Newsletter Subscribed', 0.3],
]);

export interface PageTemplate {
  name: string;
  path: (random: Random, product: Product) => string;
}

export const PAGES = new WeightedTable<PageTemplate>([
  [{ name: 'Home', path: () => '/' }, 14],
  [{ name: 'Product', path: (_, product) => `/products/${product.slug}` }, 30],
  [
    {
      name: 'Category',
      path: (random) => `/category/${random.pick(CATEGORIES).toLowerCase()}?page=${1 + random.int(4)}`,
    },
    16,
  ],
  [{ name: 'Search Results', path: (random) => `/search?q=${random.pick(SEARCH_TERMS)}` }, 10],
  [{ name: 'Cart', path: () => '/cart' }, 7],
  [{ name: 'Checkout', path: (random) => `/checkout/${random.pick(['shipping', 'payment', 'review'])}` }, 4],
  [
    { name: 'Account', path: (random) => random.pick(['/account', '/account/orders', '/account/settings']) },
    5,
  ],
  [{ name: 'Blog Post', path: (random) => `/blog/${random.pick(BLOG_SLUGS)}` }, 6],
  [{ name: 'Help Center', path: (random) => `/help/${random.pick(['shipping', 'returns', 'sizing'])}` }, 3],
]);

export const SEARCH_TERMS = [
  'running+shoes',
  'rain+jacket',
  'gift',
  'headphones',
  'backpack',
  'sale',
  'lamp',
  'kids',
  'tent',
] as const;
export const BLOG_SLUGS = [
  'spring-lookbook',
  'how-to-choose-running-shoes',
  'camping-checklist',
  'gift-guide-2024',
  'care-instructions',
] as const;
export const SCREENS = [
  'Home',
  'Product Detail',
  'Category',
  'Search',
  'Cart',
  'Checkout',
  'Profile',
  'Settings',
  'Order History',
] as const;
export const EXTERNAL_REFERRERS = new WeightedTable<string>([
  ['', 35],
  ['https://www.google.com/', 35],
  ['https://www.bing.com/', 4],
  ['https://duckduckgo.com/', 3],
  ['https://www.facebook.com/', 6],
  ['https://t.co/', 3],
  ['https://www.instagram.com/', 4],
  ['https://mail.example.com/', 5],
  ['https://www.reddit.com/', 2],
]);

export const WEB_USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36',
] as const;
export const WEB_LIBRARIES = [
  { name: 'analytics.js', version: 'next-1.66.0' },
  { name: 'analytics.js', version: 'next-1.64.0' },
  { name: 'analytics.js', version: '4.1.0' },
] as const;
export const LOCALES = new WeightedTable<string>([
  ['en-US', 40],
  ['en-GB', 10],
  ['de-DE', 10],
  ['fr-FR', 8],
  ['es-ES', 6],
  ['pt-BR', 6],
  ['nl-NL', 4],
  ['it-IT', 4],
  ['ja-JP', 4],
  ['pl-PL', 3],
  ['en-CA', 3],
  ['sv-SE', 2],
]);
export const FIRST_NAMES = [
  'Ava',
  'Liam',
  'Mia',
  'Noah',
  'Emma',
  'Lukas',
  'Sofia',
  'Mateo',
  'Hana',
  'Oliver',
  'Chloe',
  'Jonas',
  'Léa',
  'Yuki',
  'Maja',
  'Diego',
] as const;
export const LAST_NAMES = [
  'Smith',
  'Müller',
  'Garcia',
  'Rossi',
  'Dubois',
  'Kowalski',
  'Tanaka',
  'Johansson',
  'Silva',
  'de Vries',
  'Brown',
  'Nguyen',
] as const;
export const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net'] as const;
export const PLANS = new WeightedTable<string>([
  ['free', 70],
  ['plus', 22],
  ['business', 8],
]);
export const COMPANIES = [
  { name: 'Initrode Ltd', industry: 'Manufacturing' },
  { name: 'Vandelay Industries', industry: 'Import/Export' },
  { name: 'Soylent Corp', industry: 'Food' },
  { name: 'Cyberdyne Systems', industry: 'Technology' },
  { name: 'Tyrell Corporation', industry: 'Biotech' },
  { name: 'Wonka Industries', industry: 'Food' },
] as const;
