import type { AnchorHTMLAttributes } from 'react';
import { navigate } from '../lib/router';

/** An ordinary link (open in a new tab works) that navigates in place on a plain click. */
export const Link = ({
  href,
  ...rest
}: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) => (
  <a
    href={href}
    {...rest}
    onClick={(e) => {
      if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      navigate(href);
    }}
  />
);
