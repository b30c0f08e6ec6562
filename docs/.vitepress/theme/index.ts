// The default theme, plus the CSS that the build-time plots need.
import DefaultTheme from 'vitepress/theme';
import './plots.css';

export default DefaultTheme;
