FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
RUN npm ci && npm prune --omit=dev
ENV NODE_ENV=production
CMD ["node", "bin/anonymat.js", "run"]
