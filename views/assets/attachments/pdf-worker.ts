// The pdf.js worker as its own bundle, served from our origin (the CSP allows no other).
import 'pdfjs-dist/build/pdf.worker.mjs';
